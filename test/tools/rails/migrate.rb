# Runs the migrations of db/migrate_$MG_SET as `rails db:migrate` does, without
# a Rails application; host, port and user from the PG* environment.
require "active_record"
require_relative "config/initializers/migration_guard"

ActiveRecord::Base.establish_connection(
  adapter: "postgresql", database: ENV.fetch("MG_DB"), host: ENV["PGHOST"], port: ENV["PGPORT"],
  username: ENV["PGUSER"], password: ENV["PGPASSWORD"], application_name: "rails"
)
dir = File.join(__dir__, "db", "migrate_#{ENV.fetch('MG_SET', 'bad')}")
ActiveRecord::MigrationContext.new(dir, ActiveRecord::SchemaMigration).migrate
