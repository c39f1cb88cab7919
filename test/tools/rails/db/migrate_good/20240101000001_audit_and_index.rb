class AuditAndIndex < ActiveRecord::Migration[6.1]
  # CREATE INDEX CONCURRENTLY cannot run in a transaction block:
  disable_ddl_transaction!

  def up
    execute "CREATE TABLE audit_log (id int)"
    add_index :accounts, :note, name: "accounts_note_idx", algorithm: :concurrently
  end
end
