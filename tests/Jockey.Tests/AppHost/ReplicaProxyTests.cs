using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Jockey.AppHost.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>Two API replicas behind the AppHost's proxy (with Redis, Azurite and the local agent they wait for).</summary>
public sealed class TwoApiReplicas : IAsyncLifetime
{
    public TestingApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        App = await DistributedApplicationTestingBuilder.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.Only("apiservice");
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>
/// The replica proxy on the API's public port, as Aspire's endpoint proxy and Container Apps' sticky ingress:
/// plain requests spread over the replicas, a SignalR connection stays on the replica that negotiated it.
/// </summary>
public sealed class ReplicaProxyTests(TwoApiReplicas fixture) : IClassFixture<TwoApiReplicas>
{
    private const string Hub = "/hubs/jockey";
    private static CancellationToken Timeout() => TestDeadlines.Start(60);

    [Fact]
    public async Task Plain_requests_through_the_public_endpoint_reach_both_replicas()
    {
        var ct = Timeout();
        var replicas = new List<string>();
        for (var replica = 0; replica < 2; replica++)
        {
            using var direct = fixture.App.CreateHttpClient("apiservice", replica);
            replicas.Add(await AnsweringInstanceAsync(direct, ct));
        }
        Assert.NotEqual(replicas[0], replicas[1]);

        using var proxy = fixture.App.CreateHttpClient("apiservice");
        var answered = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answered.Add(await AnsweringInstanceAsync(proxy, ct));
        }

        Assert.Equal(replicas.Order(), answered.Distinct().Order());
    }

    [Fact]
    public async Task Signalr_negotiate_and_websocket_connect_through_the_proxy_land_on_the_same_replica_every_time()
    {
        var ct = Timeout();
        var affinities = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var (token, affinity) = await NegotiateAsync(ct);
            using var socket = await ConnectAsync(token, affinity, ct);

            // The replica that negotiated knows the token: its handshake answer is an empty JSON object.
            Assert.True(socket.State == WebSocketState.Open, $"connect {i + 1} answered {socket.HttpStatusCode}");
            Assert.Equal("{}\u001e", await HandshakeAsync(socket, ct));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            affinities.Add(affinity);
        }

        // New sessions were spread over both replicas, and each stayed where it began.
        Assert.Equal(2, affinities.Distinct().Count());
    }

    [Fact]
    public async Task A_websocket_connect_sent_to_the_other_replica_than_its_negotiate_is_refused()
    {
        // What affinity prevents: the connection token exists only on the replica that issued it.
        var ct = Timeout();
        var (token, affinity) = await NegotiateAsync(ct);
        string other;
        do
        {
            (_, other) = await NegotiateAsync(ct);
        }
        while (other == affinity);

        using var socket = await ConnectAsync(token, other, ct);

        Assert.Equal(HttpStatusCode.NotFound, socket.HttpStatusCode);
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    private static async Task<string> AnsweringInstanceAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("/health", ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("instance").GetString()!;
    }

    /// <summary>SignalR's negotiate through the proxy, as a new browser session: no cookie yet.</summary>
    private async Task<(string ConnectionToken, string Affinity)> NegotiateAsync(CancellationToken ct)
    {
        using var http = fixture.App.CreateHttpClient("apiservice");
        using var response = await http.PostAsync($"{Hub}/negotiate?negotiateVersion=1", null, ct);
        response.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("connectionToken").GetString()!;
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Jockey.AppHost.Proxy.ReplicaProxy.AffinityCookie + "="));
        return (token, cookie.Split(';')[0]);
    }

    /// <summary>The WebSocket that follows a negotiate, carrying the affinity cookie as a browser would.</summary>
    private async Task<ClientWebSocket> ConnectAsync(string connectionToken, string affinity, CancellationToken ct)
    {
        var endpoint = fixture.App.GetEndpoint("apiservice");
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cookie", affinity);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{endpoint.Authority}{Hub}?id={Uri.EscapeDataString(connectionToken)}"), ct);
        }
        catch (WebSocketException)
        {
            // Refused: HttpStatusCode says why.
        }
        return socket;
    }

    private static async Task<string> HandshakeAsync(ClientWebSocket socket, CancellationToken ct)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, ct);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, ct);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
