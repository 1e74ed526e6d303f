using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Jockey.ApiService.Streaming.Backplane;
using Microsoft.AspNetCore.SignalR;

namespace Jockey.ApiService.Streaming.HubSockets;

/// <summary>
/// A SignalR hub over WebSockets on a connection layer of Jockey's own. The hub itself — its protocol, invocations,
/// groups and keep-alive — is SignalR's, unchanged; what is replaced is what carries it, which costs a
/// replica most per delivery and per idle connection (docs/benchmarks.md, issue 14): SignalR's layer passes every
/// message through a second pipe and a thread-pool hop to a send loop, keeps two pipes, a WebSocket keep-alive timer
/// and more per connection, and walks every connection twice a second. Here a message SignalR serialized once for a
/// group is queued for each socket as it is, and one thread-pool send per connection carries whatever queued up
/// before it ran; one clock ticks all connections.
/// <para>
/// Only the WebSockets transport is served, which every browser has; the web app and the docs' clients use it alone.
/// Negotiate answers without keeping anything, so a client that negotiates no longer needs sticky sessions: the
/// connection's id is made when its WebSocket opens, on whichever replica takes it, and the id in the URL is not used.
/// </para>
/// </summary>
public static class HubSocketEndpoints
{
    private static readonly JsonSerializerOptions NegotiateJson = new(JsonSerializerDefaults.Web);

    public static IEndpointConventionBuilder MapHubSockets<THub>(this IEndpointRouteBuilder app, string path) where THub : Hub
    {
        var hub = app.ServiceProvider.GetRequiredService<HubConnectionHandler<THub>>();
        var clock = app.ServiceProvider.GetRequiredService<HubSocketClock>();
        var ids = app.ServiceProvider.GetRequiredService<HubConnectionIds>();
        // WebSocket support for this endpoint only, with no WebSocket-level pings: the hub pings in its own protocol.
        var connect = app.CreateApplicationBuilder()
            .UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero })
            .Use(_ => context => ConnectAsync(context, hub, clock, ids))
            .Build();
        app.MapPost($"{path}/negotiate", (int? negotiateVersion) => Negotiate(negotiateVersion, ids)).ExcludeFromDescription();
        // A connection lasts for hours: served by routing itself, so no middleware after it is held that long.
        return app.MapMethods(path, [HttpMethods.Get], connect).ExcludeFromDescription().ShortCircuit();
    }

    private static async Task ConnectAsync(HttpContext context, ConnectionHandler hub, HubSocketClock clock, HubConnectionIds ids)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.Problem(
                title: "WebSocket required",
                detail: "This hub takes WebSocket connections only: connect with the WebSockets transport (SignalR's HttpTransportType.WebSockets; skipNegotiation is fine).",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }
        if (clock.IsStopping)
        {
            await Results.Problem(
                title: "Replica stopping",
                detail: "This replica is shutting down; connect again and another replica will take the connection.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new HubSocketConnection(ids.NewConnectionId(), socket, context);
        clock.Add(connection);
        try
        {
            await connection.RunAsync(hub);
        }
        finally
        {
            clock.Remove(connection);
        }
    }

    /// <summary>SignalR's negotiate, answered without state: WebSockets is the one transport.</summary>
    private static IResult Negotiate(int? negotiateVersion, HubConnectionIds ids)
    {
        var id = ids.NewConnectionId();
        var version = negotiateVersion >= 1 ? 1 : 0;
        return TypedResults.Json(new NegotiateResponse(version, id, version >= 1 ? ids.NewConnectionId() : null,
            [new AvailableTransport("WebSockets", ["Text", "Binary"])]), NegotiateJson);
    }

    private sealed record NegotiateResponse(int NegotiateVersion, string ConnectionId, string? ConnectionToken, AvailableTransport[] AvailableTransports);

    private sealed record AvailableTransport(string Transport, string[] TransferFormats);
}
