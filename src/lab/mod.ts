/**
 * The design lab (`itertrace lab`): one workload through each proposed conversion strategy,
 * side by side.
 *
 * @module
 */
export { type LabCell, type LabOptions, type LabReport, type LabRow, runLab } from "./lab.ts";
export { labJson, labMarkdown, labSummary, labText } from "./render.ts";
export { STRATEGIES } from "./strategies/mod.ts";
export { LabSetupError } from "./world.ts";
