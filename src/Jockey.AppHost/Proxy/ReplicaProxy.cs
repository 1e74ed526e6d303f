using System.Net;
using Jockey.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.LoadBalancing;

namespace Jockey.AppHost.Proxy;

/// <summary>
/// One public endpoint in front of a replicated resource, as Aspire's endpoint proxy and Container Apps' ingress
/// do. Plain requests go round-robin; SignalR (<c>/hubs</c>) is sticky by cookie because its negotiate and connect
/// must reach the same replica; SSE and WebSockets pass straight through.
/// </summary>
internal sealed class ReplicaProxy(WebApplication app) : IAsyncDisposable
{
    public const string AffinityCookie = ".Jockey.Affinity";

    public static async Task<ReplicaProxy> StartAsync(Resource resource, CancellationToken cancellationToken)
    {
        var endpoint = resource.Endpoint!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, endpoint.Port));
        builder.Services.AddReverseProxy().LoadFromMemory(Routes(resource.Name), Clusters(resource.Name, endpoint));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapReverseProxy();
        await app.StartAsync(cancellationToken);
        return new ReplicaProxy(app);
    }

    private static RouteConfig[] Routes(string name) =>
    [
        new() { RouteId = $"{name}-hubs", ClusterId = $"{name}-sticky", Order = 0, Match = new() { Path = "/hubs/{**rest}" } },
        new() { RouteId = $"{name}-all", ClusterId = name, Order = 1, Match = new() { Path = "{**rest}" } },
    ];

    private static ClusterConfig[] Clusters(string name, EndpointSpec endpoint)
    {
        var destinations = endpoint.TargetPorts
            .Select((port, index) => (index, port))
            .ToDictionary(d => $"{name}-{d.index}", d => new DestinationConfig { Address = $"http://127.0.0.1:{d.port}" });
        // Long SSE streams and sockets are quiet between events; don't cut them at YARP's 100 s default.
        var request = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(30) };
        // A dead replica refuses the probe at once; the long timeout only keeps a busy machine's slow answer from
        // taking a live replica out of rotation.
        var health = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(10), Path = "/alive", Policy = "ConsecutiveFailures" },
        };
        return
        [
            new() { ClusterId = name, LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin, Destinations = destinations, HttpRequest = request, HealthCheck = health },
            new()
            {
                ClusterId = $"{name}-sticky",
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                Destinations = destinations,
                HttpRequest = request,
                HealthCheck = health,
                SessionAffinity = new SessionAffinityConfig
                {
                    Enabled = true,
                    Policy = "HashCookie",
                    AffinityKeyName = AffinityCookie,
                    FailurePolicy = "Redistribute",
                },
            },
        ];
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
