import { Migration } from '@mikro-orm/migrations';

/**
 * Adds docpush_new_message_id(), the SQL twin of newMessageId() in src/common/ids.ts, so one
 * statement can insert an event's push messages whose number it learns only while it runs.
 * The 16 random bytes come from two version-4 UUIDs, leaving out the bytes that carry the
 * version and variant bits.
 */
export class Migration20261205004500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function docpush_new_message_id() returns text
language plpgsql volatile as $$
declare
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  remaining bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
  first_uuid constant bytea := uuid_send(gen_random_uuid());
  random_bytes constant bytea := substring(first_uuid from 1 for 6) || substring(first_uuid from 10 for 7) || substring(uuid_send(gen_random_uuid()) from 1 for 3);
  time_part text := '';
  random_part text := '';
begin
  for i in 1..10 loop
    time_part := substr(alphabet, (remaining % 32)::int + 1, 1) || time_part;
    remaining := remaining / 32;
  end loop;
  for i in 0..15 loop
    random_part := random_part || substr(alphabet, get_byte(random_bytes, i) % 32 + 1, 1);
  end loop;
  return 'msg_' || time_part || random_part;
end
$$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function docpush_new_message_id();`);
  }

}
