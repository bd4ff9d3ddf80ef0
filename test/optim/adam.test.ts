import { parityTests } from "./fixtures.js";

parityTests("Adam");
