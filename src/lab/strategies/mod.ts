/**
 * The strategies of the design lab, in the order the question met them.
 *
 * @module
 */
import type { Strategy } from "./_strategy.ts";
import { getPagesBvec } from "./a_get_pages_bvec.ts";
import { scanCallback } from "./b_scan.ts";
import { commonFramework } from "./c_common.ts";
import { cifsPageList } from "./d_cifs_pages.ts";
import { merged63 } from "./e_merged.ts";
import { bvecq74 } from "./f_bvecq.ts";

/** Every strategy the lab runs. */
export const STRATEGIES: readonly Strategy[] = [
  getPagesBvec,
  scanCallback,
  commonFramework,
  cifsPageList,
  merged63,
  bvecq74,
];

export type { Strategy, StrategyId } from "./_strategy.ts";
export type { Job, Outcome, Purpose } from "./_build.ts";
