import { parityTests } from "./fixtures.js";

parityTests("Adagrad");
