import { parityTests } from "./fixtures.js";

parityTests("RMSprop");
