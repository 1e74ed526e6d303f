using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>The hub's own connection layer (HubSocketEndpoints) in the app, seen at the wire.</summary>
[Collection(ApiCollection.Name)]
public sealed class HubSocketTests(ApiAppFixture fixture)
{
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
}
