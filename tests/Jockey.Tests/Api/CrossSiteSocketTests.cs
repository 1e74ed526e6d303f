using System.Net;
using System.Net.WebSockets;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>
/// A page on another site cannot open the audio socket or the hub with the user's browser: CORS does not cover
/// WebSockets, so the API checks <c>Origin</c> itself. The app's own origin and the configured one still connect.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrossSiteSocketTests(ApiAppFixture fixture)
{
    private const string Evil = "http://evil.example";

    [Fact]
    public async Task The_audio_socket_refuses_another_sites_origin_and_accepts_the_apps_own_and_the_configured_one()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);
        var endpoint = fixture.App.GetEndpoint("apiservice");

        using var evil = await ConnectAsync(endpoint, $"/api/ws/audio/{threadId}", Evil, ct);
        using var own = await ConnectAsync(endpoint, $"/api/ws/audio/{threadId}", $"http://{endpoint.Authority}", ct);
        using var configured = await ConnectAsync(endpoint, $"/api/ws/audio/{threadId}", ApiAppFixture.WebOrigin, ct);

        Assert.Equal(HttpStatusCode.Forbidden, evil.HttpStatusCode);
        Assert.NotEqual(WebSocketState.Open, evil.State);
        Assert.Equal(WebSocketState.Open, own.State);
        Assert.Equal(WebSocketState.Open, configured.State);
    }

    [Fact]
    public async Task The_hub_refuses_another_sites_origin_with_a_problem_and_believes_the_host_a_trusted_proxy_forwards()
    {
        var ct = Timeout();
        using var api = fixture.Api();

        using var refused = await NegotiateAsync(api, Evil, forwardedHost: null, ct);
        // The web server in front (loopback: trusted) forwards the host the browser asked for.
        using var proxied = await NegotiateAsync(api, "https://jockey.example", forwardedHost: "jockey.example", ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Limits:CorsOrigins", await refused.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
    }

    /// <summary>A WebSocket sent with the given Origin (and cookie); a refused one says how in <c>HttpStatusCode</c>.</summary>
    internal static async Task<ClientWebSocket> ConnectAsync(Uri endpoint, string path, string? origin, CancellationToken ct, string? cookie = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{endpoint.Authority}{path}"), ct);
        }
        catch (WebSocketException)
        {
            // Refused: HttpStatusCode says how.
        }
        return socket;
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient api, string origin, string? forwardedHost, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/jockey/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        if (forwardedHost is not null) request.Headers.Add("X-Forwarded-Host", forwardedHost);
        return api.SendAsync(request, ct);
    }
}
