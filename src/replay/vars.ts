/**
 * Name resolution for variables: the scope of a replay (iterators, saved states, page lists,
 * sg tables, SGE lists, MRs, bios and pipes by name), and the page list behind a name.
 *
 * @module
 */
import type { IovIter } from "../model/iter.ts";
import type { IovIterState } from "../model/advance.ts";
import type { SgTable } from "../convert/sg.ts";
import type { RdmaList } from "../convert/rdma.ts";
import type { Mr } from "../convert/frwr.ts";
import type { Bio } from "../convert/bio.ts";
import type { Pipe } from "../model/pipe.ts";
import type { Path } from "../trace/locate.ts";
import type { WarnFn } from "../check/warnings.ts";
import { bioList, type PageList, sgtList } from "./lists.ts";
import { NameMap } from "./name_map.ts";

/** A replay variable. */
export type Var =
  | {
    readonly type: "iter";
    readonly iter: IovIter;
    readonly list?: PageList;
    /** The step whose syscall (or async) return ended the iterator's caller, if one did. */
    returned?: number;
  }
  | { readonly type: "state"; readonly state: IovIterState; readonly step: number }
  | { readonly type: "pages"; readonly list: PageList }
  | { readonly type: "sgt"; readonly sgt: SgTable }
  | { readonly type: "rdma"; readonly rdma: RdmaList }
  | { readonly type: "mr"; readonly mr: Mr }
  | { readonly type: "bio"; readonly bio: Bio };

/** What the scope reports through: the current op, errors and warnings. */
export interface ScopeEnv {
  readonly pageSize: number;
  /** The op running, if any. */
  op(): string | undefined;
  error(message: string, path?: Path): never;
  /** Raises a warning for the current op. */
  readonly warn: WarnFn;
}

/** Every name a replay knows, and what became of names that are gone. */
export class Scope {
  readonly vars = new NameMap<Var>();
  /** Names whose creating call failed, with the step and return value. */
  readonly failed = new Map<string, string>();
  /** Pipes by name. */
  readonly pipes = new Map<string, Pipe>();
  private warned = new Set<string>();

  constructor(private readonly env: ScopeEnv) {}

  /** Starts a step: each use-after-return is reported once per step. */
  newStep(): void {
    if (this.warned.size) this.warned = new Set();
  }

  /** The variable a name refers to, if any. */
  get(name: string): Var | undefined {
    return this.vars.get(name);
  }

  /** The iterator a name refers to, or a replay error; warns of a use after return. */
  iter(name: string, path: Path = ["iter"]): IovIter {
    const v = this.vars.get(name);
    if (v?.type !== "iter") return this.missing(name, "iterator", path);
    const it = v.iter;
    const op = this.env.op();
    if (
      it.kind === "pipe" && it.pipe.unlockedAt !== undefined && op &&
      !this.warned.has(`pipe:${name}`)
    ) {
      this.warned.add(`pipe:${name}`);
      this.env.warn(
        "pipe_use_after_unlock",
        { fn: op, iter: name, pipe: it.pipe.name, unlocked: it.pipe.unlockedAt },
        `${op} uses PIPE "${name}" after the splice call returned and unlocked "${it.pipe.name}" at #${it.pipe.unlockedAt}`,
        { cause: it.pipe.unlockedAt },
      );
    }
    const died = v.returned;
    if (died !== undefined && op && !this.warned.has(name)) {
      this.warned.add(name);
      this.env.warn(
        "iter_used_after_return",
        { fn: op, iter: name, returned: died },
        `${op} uses "${name}" after its syscall returned at #${died}: its iovec array and iterator lived on the caller's stack`,
        { cause: died },
      );
    }
    return it;
  }

  /** The variable a name refers to, or a replay error. */
  variable(name: string, path: Path): Var {
    return this.vars.get(name) ?? this.missing(name, "variable", path);
  }

  private missing(name: string, what: string, path: Path): never {
    const why = this.failed.get(name);
    if (why) this.env.error(`${what} "${name}" does not exist: ${why}`, path);
    if (this.vars.has(name)) this.env.error(`"${name}" is not an ${what}`, path);
    this.env.error(`unknown ${what} "${name}"`, path);
  }

  /** Defines a variable; a name that exists is an error unless freed. */
  define(name: string, v: Var, path: Path): void {
    if (this.vars.has(name)) this.env.error(`"${name}" already exists; free it first`, path);
    this.failed.delete(name);
    this.vars.set(name, v);
  }

  /**
   * Records that the syscall of the iterator `name` returned at `step`. The mark lives on the
   * variable: a name freed or defined again starts without one (a map of returned names
   * beside the variables cost a deletion, and V8 a shrunk table, per freed name).
   */
  returned(name: string, step: number, path: Path): void {
    this.iter(name, path);
    (this.vars.get(name) as Extract<Var, { type: "iter" }>).returned = step;
  }

  /** Ends a variable. */
  free(name: string): void {
    this.vars.delete(name);
  }

  /** The page list a variable holds or describes, if any. */
  listOf(name: string): PageList | undefined {
    const v = this.vars.get(name);
    if (v?.type === "pages") return v.list;
    if (v?.type === "iter") return v.list;
    if (v?.type === "sgt") return sgtList(name, v.sgt);
    if (v?.type === "bio") return bioList(name, v.bio, this.env.pageSize);
    return undefined;
  }

  /**
   * Every page list, in creation order (page arrays and the arrays behind BVECs); with
   * `keep`, only those of the variables it keeps (the others' lists are not built).
   */
  lists(keep?: (v: Var) => boolean): PageList[] {
    const out: PageList[] = [];
    this.vars.forEach((v, name) => {
      if (keep && !keep(v)) return;
      if (v.type === "pages") out.push(v.list);
      else if (v.type === "iter" && v.list) out.push(v.list);
      else if (v.type === "sgt" || v.type === "bio") out.push(this.listOf(name)!);
    });
    return out;
  }
}
