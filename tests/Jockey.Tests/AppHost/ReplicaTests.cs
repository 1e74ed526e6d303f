using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Tests.Api;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jockey.Tests.AppHost;

/// <summary>
/// Two API replicas behind DCP's proxy on the one public endpoint. The proxy has no sticky sessions, so what the design
/// promises is: plain requests reach every replica, and a SignalR client that connects as the web app does (WebSockets,
/// no negotiate) works every time, wherever its one request lands.
/// </summary>
[Collection(TwoReplicaCollection.Name)]
public sealed class ReplicaTests(TwoReplicaFixture fixture)
{
    private static CancellationToken Timeout() => TestDeadlines.Start(60);

    [Fact]
    public async Task Plain_requests_through_the_public_endpoint_reach_both_replicas()
    {
        var ct = Timeout();
        var replicas = new List<string>();
        for (var replica = 0; replica < 2; replica++)
        {
            using var direct = fixture.Api(replica);
            replicas.Add(await AnsweringInstanceAsync(direct, ct));
        }
        Assert.NotEqual(replicas[0], replicas[1]);

        // One connection per request, as separate browsers would open: the proxy picks a replica per connection.
        var answered = new HashSet<string>();
        while (answered.Count < 2)
        {
            using var proxy = fixture.Api();
            answered.Add(await AnsweringInstanceAsync(proxy, ct));
        }

        Assert.Equal(replicas.Order(), answered.Order());
    }

    [Fact]
    public async Task Signalr_clients_through_the_public_endpoint_connect_and_subscribe_every_time()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await ApiSteps.InitAsync(api, ct);
        for (var i = 0; i < 10; i++)
        {
            await using var hub = ApiSteps.Hub(api.BaseAddress!);
            await hub.StartAsync(ct);
            await hub.InvokeAsync("Subscribe", threadId, 0L, ct);
            Assert.Equal(HubConnectionState.Connected, hub.State);
        }
    }

    private static async Task<string> AnsweringInstanceAsync(HttpClient http, CancellationToken ct) =>
        (await http.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("instance").GetString()!;
}
