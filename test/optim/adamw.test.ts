import { parityTests } from "./fixtures.js";

parityTests("AdamW");
