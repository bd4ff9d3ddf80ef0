import { parityTests } from "./fixtures.js";

parityTests("Adamax");
