# ActiveRecord drops the server's NOTICE and WARNING: print them.
require "active_record/connection_adapters/postgresql_adapter"

ActiveSupport.on_load(:active_record) do
  ActiveRecord::ConnectionAdapters::PostgreSQLAdapter.prepend(Module.new do
    def configure_connection
      super
      conn = @raw_connection || @connection   # Rails 7.1+ / older
      conn.set_notice_processor { |message| $stderr.print(message) }
    end
  end)
end
