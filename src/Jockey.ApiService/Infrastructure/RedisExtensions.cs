namespace Jockey.ApiService.Infrastructure;

public static class RedisExtensions
{
    /// <summary>
    /// One shared <see cref="StackExchange.Redis.IConnectionMultiplexer"/> from <c>ConnectionStrings:{name}</c> (Aspire's
    /// contract) through Aspire's Redis client: its health check (<c>StackExchange.Redis</c> on /health), tracing and
    /// <c>Aspire:StackExchange:Redis</c> settings. The multiplexer never gives up connecting, so a Redis restart heals by itself.
    /// </summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder, string connectionName)
    {
        if (builder.Configuration.GetConnectionString(connectionName) is null)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the app with ./scripts/dev.sh, or set ConnectionStrings__{connectionName} to host:port[,password=…].");
        }
        builder.AddRedisClient(connectionName, configureOptions: options =>
        {
            options.AbortOnConnectFail = false;
            options.ClientName ??= builder.Environment.ApplicationName;
        });
        return builder;
    }
}
