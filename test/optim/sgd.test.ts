import { parityTests } from "./fixtures.js";

parityTests("SGD");
