using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>An app whose hub pings every second and drops a client silent for 5 s (after its first ping), so keep-alive can be watched at work.</summary>
public sealed class QuickKeepAliveFixture : ApiAppFixture
{
    protected override void Configure(Jockey.Testing.TestingOptions options)
    {
        base.Configure(options);
        options.Environment("apiservice", "Hub__KeepAliveInterval", "00:00:01");
        options.Environment("apiservice", "Hub__ClientTimeoutInterval", "00:00:05");
    }
}

/// <summary>The hub's own connection layer (HubSocketEndpoints), seen at the wire.</summary>
public sealed class HubSocketTests(QuickKeepAliveFixture fixture) : IClassFixture<QuickKeepAliveFixture>
{
    [Fact]
    public async Task The_server_pings_an_idle_client_and_closes_one_that_stays_silent_while_one_that_pings_stays()
    {
        var ct = Timeout(60);
        using var api = fixture.Api();
        await using var silent = await RawHubSocket.ConnectAsync(api.BaseAddress!, ct);
        await using var pinging = await RawHubSocket.ConnectAsync(api.BaseAddress!, ct);
        using var stopPinging = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pings = PingAsync(pinging, stopPinging.Token);

        // One ping, then silence: SignalR's hub starts timing a client out at its first ping.
        await silent.SendAsync("""{"type":6}""", ct);
        var heard = await silent.ReadToCloseAsync(ct);

        // The server's pings, then the hub's close message, then the WebSocket's close frame.
        Assert.Equal(6, heard[0]);
        Assert.Equal(7, heard[^1]);
        Assert.All(heard[..^1], type => Assert.Equal(6, type));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, silent.CloseStatus);
        // The one that pinged all along is still served: an invocation gets its completion.
        await pinging.SendAsync("""{"type":1,"invocationId":"1","target":"Unsubscribe","arguments":["nothing"]}""", ct);
        Assert.Equal("1", (await pinging.NextCompletionAsync(ct)).GetProperty("invocationId").GetString());
        await stopPinging.CancelAsync();
        await pings;
    }

    [Fact]
    public async Task A_plain_request_to_the_hub_is_told_to_open_a_websocket_and_the_hub_keeps_serving()
    {
        var ct = Timeout();
        using var api = fixture.Api();

        using var get = await api.GetAsync("/hubs/jockey", ct);
        using var post = await api.PostAsync("/hubs/jockey", null, ct);

        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Contains("WebSocket", (await get.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        await using var hub = await RawHubSocket.ConnectAsync(api.BaseAddress!, ct);
    }

    [Fact]
    public async Task Negotiate_offers_websockets_alone_and_a_client_that_negotiates_is_served()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        using var negotiated = await api.PostAsync("/hubs/jockey/negotiate?negotiateVersion=1", null, ct);
        var offer = await negotiated.Content.ReadFromJsonAsync<JsonElement>(ct);
        var hub = Hub(api.BaseAddress!, options =>
        {
            options.SkipNegotiation = false;
            options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets | Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
        });
        await using var _ = hub;
        await hub.StartAsync(ct);
        await Microsoft.AspNetCore.SignalR.Client.HubConnectionExtensions.InvokeAsync(hub, "Subscribe", threadId, 0L, ct);

        Assert.Equal(1, offer.GetProperty("negotiateVersion").GetInt32());
        Assert.False(string.IsNullOrEmpty(offer.GetProperty("connectionToken").GetString()));
        var transport = Assert.Single(offer.GetProperty("availableTransports").EnumerateArray());
        Assert.Equal("WebSockets", transport.GetProperty("transport").GetString());
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, hub.State);
    }

    private static async Task PingAsync(RawHubSocket hub, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await hub.SendAsync("""{"type":6}""", ct);
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
