using Jockey.ApiService.Hosting;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

public static class StreamingExtensions
{
    /// <summary>Live delivery: SSE through this replica's <see cref="LiveFeed"/>, SignalR through the Redis backplane.</summary>
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveFeed>());
        builder.Services.AddSingleton<ThreadNotifier>();
        builder.Services.AddSingleton<RedisConnectionWatch>();
        builder.Services.AddSignalR()
            .AddJsonProtocol(options => ApiJson.Configure(options.PayloadSerializerOptions))
            .AddStackExchangeRedis();
        // The backplane shares the app's one Redis connection; its channels are named after the hub, apart from the app's.
        builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((backplane, services) =>
            backplane.ConnectionFactory = _ => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()));
        return builder;
    }

    public static IEndpointRouteBuilder MapJockeyHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<JockeyHub>("/hubs/jockey");
        return app;
    }
}
