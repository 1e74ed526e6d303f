using Jockey.ApiService.Events;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.ApiService.Streaming.HubSockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Jockey.ApiService.Streaming;

public static class StreamingExtensions
{
    /// <summary>Asked of the kernel, which caps it at <c>net.core.somaxconn</c>.</summary>
    private const int ListenBacklog = 65_535;

    /// <summary>Live delivery: SSE through this replica's <see cref="LiveFeed"/>, SignalR through a Redis backplane of our own (<see cref="JockeyHubLifetimeManager{THub}"/>), on connections of our own (<see cref="HubSocketEndpoints"/>).</summary>
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        // A write to a connection goes to its socket on the writing thread, not through one of Kestrel's I/O queues:
        // a broadcast to 10,000 streams then holds fewer buffers waiting for their turn there, and a
        // delivery makes one thread hop fewer (docs/benchmarks.md, issue 14). Socket completions still come on the
        // thread pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is not set), so no request runs on the epoll thread.
        // The listen backlog is the kernel's largest by default (net.core.somaxconn, 4096 since Linux 5.4), not Kestrel's
        // 512: when a replica closes every hub connection at once (a broken Redis subscription), their clients all
        // connect again within half a second, and with 512 the kernel dropped the rest of the burst's SYNs, which their
        // clients sent again after 1 s, 3 s and 7 s (docs/benchmarks.md, scenario 7).
        // `Sockets:*` overrides both, as any other SocketTransportOptions.
        builder.Services.AddOptions<SocketTransportOptions>()
            .Configure(options =>
            {
                options.UnsafePreferInlineScheduling = true;
                options.Backlog = ListenBacklog;
            })
            .BindConfiguration("Sockets");
        builder.Services.AddOptions<MemoryReducerOptions>().BindConfiguration("MemoryReducer").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<MemoryReducer>();
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveFeed>());
        builder.Services.AddHealthChecks().AddCheck<LiveEventsHealthCheck>("live-events", HealthStatus.Degraded);
        builder.Services.AddSingleton<ThreadNotifier>();
        builder.Services.AddSignalR(options =>
            {
                // SignalR's defaults (a ping each way every 15 s, dropped after 30 s of silence) cost a replica holding
                // 10,000 idle hub connections more CPU than anything else it does (docs/benchmarks.md). 30 s is half of
                // nginx's default 60-s proxy read timeout, as for SSE; the web app pings as often and waits as long.
                options.KeepAliveInterval = HubKeepAlive.Interval;
                options.ClientTimeoutInterval = HubKeepAlive.ClientTimeout;
            })
            .AddJsonProtocol(options => ApiJson.Configure(options.PayloadSerializerOptions));
        builder.Services.AddSingleton<HubConnectionIds>();
        builder.Services.AddSingleton<IGroupCatchUp, ThreadCatchUp>();
        builder.Services.AddSingleton(typeof(HubLifetimeManager<>), typeof(JockeyHubLifetimeManager<>));
        builder.Services.AddSingleton<HubSocketClock>();
        builder.Services.AddOptions<HubOptions>().BindConfiguration("Hub")
            .Validate(options => options.KeepAliveInterval > TimeSpan.Zero && options.ClientTimeoutInterval > options.KeepAliveInterval,
                "Hub:KeepAliveInterval must be positive and Hub:ClientTimeoutInterval longer than it (clients ping as often as the server does).")
            .ValidateOnStart();
        // The backplane has a connection of its own to the app's Redis (its channels are named after the hub, apart
        // from the app's). It unsubscribes and disposes that connection when the host is disposed, after telemetry is
        // gone: on the app's shared, traced connection that crashed the process at every SIGTERM.
        builder.Services.AddOptions<HubBackplaneOptions>().Configure<IConfiguration, IOptions<EventLogOptions>>((backplane, configuration, eventLog) =>
        {
            backplane.BreakGrace = eventLog.Value.BreakGrace;
            backplane.Configuration = ConfigurationOptions.Parse(configuration.GetConnectionString("redis")!);
            backplane.Configuration.AbortOnConnectFail = false;
            backplane.Configuration.ClientName = $"{builder.Environment.ApplicationName}-signalr";
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapJockeyHub(this IEndpointRouteBuilder app)
    {
        app.MapHubSockets<JockeyHub>("/hubs/jockey");
        return app;
    }
}
