import { parityTests } from "./fixtures.js";

parityTests("NAdam");
