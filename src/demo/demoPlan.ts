// The shape of a sample plan entered by hand: what the domain commands take, with themes and horizons named rather than id'd.
import type { ActionInput } from '../actions/actionCommands.js';
import type { PlanInput } from '../plans/planCommands.js';
import type { ThemeInput } from '../themes/themeCommands.js';
import type { UpdateInput } from '../updates/updateCommands.js';

/** A dated entry as the document gives it: the day it speaks for, who wrote it and what it says. */
export type DemoUpdate = Required<Pick<UpdateInput, 'effectiveOn' | 'author' | 'body'>>;

export interface DemoTheme extends ThemeInput {
  title: string;
  updates: DemoUpdate[];
}

export interface DemoAction extends Omit<ActionInput, 'themeId' | 'horizonId'> {
  title: string;
  /** The title of the theme the action sits under, or null for none. */
  theme: string | null;
  /** The name of one of the plan's horizons, or null for none. */
  horizon: string | null;
  updates: DemoUpdate[];
}

export interface DemoPlan {
  plan: PlanInput & { title: string; slug: string; horizons: string[] };
  /** In the document's order. */
  themes: DemoTheme[];
  /** In the document's order. */
  actions: DemoAction[];
}
