// The Node floor: a bare node:http server with the same database driver as Headway, answering each measured shape with
// the same rows as JSON. No framework, no templates, no sign-in: what Node itself can do with those rows.
// Run as its own process: node --import tsx bench/http/nodeFloor.ts DATABASE_URL; it prints "listening PORT".
import { createServer, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';

type Row = Record<string, unknown>;
type Query = (text: string, params: unknown[]) => Promise<Row[]>;

function openQuery(url: string): Query {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    return async (text, params) => {
      let n = 0;
      return (
        await pool.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as Row[];
    };
  }
  const sqlite = new Database(url, { readonly: true });
  const statements = new Map<string, Database.Statement>();
  return async (text, params) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = sqlite.prepare(text)));
    return statement.all(...params) as Row[];
  };
}

const query = openQuery(process.argv[2] ?? '');

async function planId(slug: string): Promise<string | undefined> {
  const [plan] = await query('select id from plans where slug = ?', [slug]);
  return plan?.id as string | undefined;
}

/** Each action with its owners' names, in plan order, as Headway's API lists them. */
async function actionsWithOwners(actions: Row[]): Promise<Row[]> {
  if (actions.length === 0) return [];
  const ids = actions.map((action) => action.id);
  const owners = await query(
    `select ao.action_id, o.name from action_owners ao join owners o on o.id = ao.owner_id
     where ao.action_id in (${ids.map(() => '?').join(',')}) order by ao.action_id, ao.position`,
    ids,
  );
  const byAction = new Map<unknown, string[]>();
  for (const owner of owners) {
    const names = byAction.get(owner.action_id) ?? [];
    names.push(owner.name as string);
    byAction.set(owner.action_id, names);
  }
  return actions.map((action) => ({ ...action, owners: byAction.get(action.id) ?? [] }));
}

async function oneAction(actionId: string): Promise<unknown> {
  const [action] = await query('select * from actions where id = ?', [actionId]);
  if (!action) return undefined;
  const [withOwners] = await actionsWithOwners([action]);
  const updates = await query('select * from updates where action_id = ? order by effective_on desc', [
    actionId,
  ]);
  return { ...withOwners, updates };
}

async function actionList(slug: string, limit: number): Promise<unknown> {
  const id = await planId(slug);
  if (!id) return undefined;
  const actions = await query('select * from actions where plan_id = ? order by position limit ?', [
    id,
    limit,
  ]);
  const [count] = await query('select count(*) as n from actions where plan_id = ?', [id]);
  return { items: await actionsWithOwners(actions), total: Number(count!.n), limit, offset: 0 };
}

/** Everything the plan page and export.json show: the plan, its horizons, themes, actions with owners and updates. */
async function wholePlan(slug: string): Promise<unknown> {
  const [plan] = await query('select * from plans where slug = ?', [slug]);
  if (!plan) return undefined;
  const [horizons, themes, actions, updates] = await Promise.all([
    query('select * from horizons where plan_id = ? order by position', [plan.id]),
    query('select * from themes where plan_id = ? order by position', [plan.id]),
    query('select * from actions where plan_id = ? order by position', [plan.id]),
    query('select * from updates where plan_id = ? order by effective_on desc', [plan.id]),
  ]);
  return { plan, horizons, themes, actions: await actionsWithOwners(actions), updates };
}

function send(response: ServerResponse, body: unknown): void {
  if (body === undefined) {
    response.writeHead(404).end();
    return;
  }
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': bytes.length,
  });
  response.end(bytes);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://floor');
  const parts = url.pathname.split('/').filter(Boolean);
  // /action/ID, /actions/SLUG?limit=N, /plan/SLUG
  const answer =
    parts[0] === 'action' && parts[1]
      ? oneAction(parts[1])
      : parts[0] === 'actions' && parts[1]
        ? actionList(parts[1], Number(url.searchParams.get('limit') ?? 100))
        : parts[0] === 'plan' && parts[1]
          ? wholePlan(parts[1])
          : Promise.resolve(undefined);
  answer.then(
    (body) => send(response, body),
    (error: unknown) => {
      console.error(error);
      response.writeHead(500).end();
    },
  );
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
