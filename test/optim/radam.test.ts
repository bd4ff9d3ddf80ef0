import { parityTests } from "./fixtures.js";

parityTests("RAdam");
