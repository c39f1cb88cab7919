class DropNote < ActiveRecord::Migration[6.1]
  def up
    remove_column :accounts, :note
  end
end
