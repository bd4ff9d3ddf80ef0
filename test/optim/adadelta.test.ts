import { parityTests } from "./fixtures.js";

parityTests("Adadelta");
