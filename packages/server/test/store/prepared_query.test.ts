import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { param, prepareQuery } from '../../src/store/sql/prepared_query.js';

interface Db {
  t: { id: string; kind: string; n: number };
}

describe('prepareQuery', () => {
  let db: Kysely<Db>;

  beforeEach(async () => {
    db = new Kysely<Db>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    await db.schema
      .createTable('t')
      .addColumn('id', 'text')
      .addColumn('kind', 'text')
      .addColumn('n', 'integer')
      .execute();
    await db
      .insertInto('t')
      .values([
        { id: 'a', kind: 'x', n: 1 },
        { id: 'b', kind: 'x', n: 2 },
        { id: 'c', kind: 'y', n: 3 },
      ])
      .execute();
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('binds new values on every run and keeps constant parameters', async () => {
    const query = prepareQuery(
      db,
      ['min'],
      db
        .selectFrom('t')
        .select('id')
        .where('kind', '=', 'x')
        .where('n', '>=', param<number>('min')),
    );
    expect((await query.execute({ min: 1 })).rows).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect((await query.execute({ min: 2 })).rows).toEqual([{ id: 'b' }]);
    expect((await query.execute({ min: 3 })).rows).toEqual([]);
  });

  it('refuses a listed name the query does not use, and an unlisted placeholder', () => {
    expect(() =>
      prepareQuery(
        db,
        ['id', 'extra'],
        db.selectFrom('t').selectAll().where('id', '=', param<string>('id')),
      ),
    ).toThrow(/lacks placeholder extra/);
    expect(() =>
      prepareQuery(db, [], db.selectFrom('t').selectAll().where('id', '=', param<string>('id'))),
    ).toThrow(/unlisted placeholder id/);
  });

  it('runs inside a transaction when given one, and rolls back with it', async () => {
    const rename = prepareQuery(
      db,
      ['id', 'kind'],
      db
        .updateTable('t')
        .set({ kind: param<string>('kind') })
        .where('id', '=', param<string>('id'))
        .returning('id'),
    );
    await expect(
      db.transaction().execute(async (trx) => {
        expect((await rename.execute({ id: 'a', kind: 'z' }, trx)).rows).toEqual([{ id: 'a' }]);
        expect(
          await trx.selectFrom('t').select('kind').where('id', '=', 'a').executeTakeFirst(),
        ).toEqual({ kind: 'z' });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(
      await db.selectFrom('t').select('kind').where('id', '=', 'a').executeTakeFirst(),
    ).toEqual({ kind: 'x' });
    await db.transaction().execute((trx) => rename.execute({ id: 'b', kind: 'w' }, trx));
    expect(
      await db.selectFrom('t').select('kind').where('id', '=', 'b').executeTakeFirst(),
    ).toEqual({ kind: 'w' });
  });
});
