class AuditAndIndex < ActiveRecord::Migration[6.1]
  def up
    execute "CREATE TABLE audit_log (id int)"
    add_index :accounts, :note, name: "accounts_note_idx"
  end
end
