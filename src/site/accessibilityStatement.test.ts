import { expect, it } from 'vitest';
import { inTransaction } from '../db/transaction.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { describeEachDatabase } from '../testing/databases.js';
import { testActor } from '../testing/factories.js';
import {
  defaultAccessibilityStatement,
  readAccessibilityStatement,
  saveAccessibilityStatement,
} from './accessibilityStatement.js';

describeEachDatabase('the accessibility statement', (current) => {
  it('is the model statement naming the organisation until an administrator saves one', async () => {
    const statement = await readAccessibilityStatement(current().kysely, 'Avon Fire and Rescue');
    expect(statement.version).toBe(0);
    expect(statement.text).toBe(defaultAccessibilityStatement('Avon Fire and Rescue'));
    expect(statement.text).toContain('This service is run by Avon Fire and Rescue.');
    expect(statement.text).toContain('## Enforcement procedure');
  });

  it('saves from the version it started at, writes history, and refuses a save from an older version', async () => {
    const db = current();
    const first = await inTransaction(db, (trx) =>
      saveAccessibilityStatement(trx, testActor, 'Avon', {
        text: '  First words\r\n\r\nSecond  ',
        version: 0,
      }),
    );
    expect(first).toMatchObject({ text: 'First words\n\nSecond', version: 1, updatedBy: testActor.name });
    const second = await inTransaction(db, (trx) =>
      saveAccessibilityStatement(trx, testActor, 'Avon', { text: 'Second edition', version: 1 }),
    );
    expect(second.version).toBe(2);

    // Two people started from version 1 (or from the default): the later save is refused and changes nothing.
    for (const version of [1, 0]) {
      const stale = inTransaction(db, (trx) =>
        saveAccessibilityStatement(trx, testActor, 'Avon', { text: 'Stale words', version }),
      );
      await expect(stale).rejects.toBeInstanceOf(ConflictError);
      await expect(stale).rejects.toMatchObject({ currentVersion: 2, current: { text: 'Second edition' } });
    }
    expect(await readAccessibilityStatement(db.kysely, 'Avon')).toMatchObject({
      text: 'Second edition',
      version: 2,
    });

    const history = await db.kysely
      .selectFrom('history')
      .selectAll()
      .where('record_type', '=', 'site_setting')
      .orderBy('id')
      .execute();
    expect(history.map((h) => [h.change, h.actor, h.plan_id])).toEqual([
      ['create', testActor.name, null],
      ['update', testActor.name, null],
    ]);
    expect(JSON.parse(history[0]!.before_json!)).toEqual({
      text: defaultAccessibilityStatement('Avon'),
      version: 0,
    });
    expect(JSON.parse(history[1]!.after_json!)).toEqual({ text: 'Second edition', version: 2 });
  });

  it('refuses an empty or overlong statement with a message, changing nothing', async () => {
    const db = current();
    const before = await readAccessibilityStatement(db.kysely, 'Avon');
    for (const [text, message] of [
      ['   ', 'Enter the accessibility statement'],
      ['x'.repeat(50_001), 'The accessibility statement must be 50,000 characters or fewer'],
    ]) {
      const save = inTransaction(db, (trx) =>
        saveAccessibilityStatement(trx, testActor, 'Avon', { text: text!, version: before.version }),
      );
      await expect(save).rejects.toBeInstanceOf(InvalidInputError);
      await expect(save).rejects.toMatchObject({ fieldErrors: { text: message } });
    }
    expect(await readAccessibilityStatement(db.kysely, 'Avon')).toEqual(before);
  });
});
