using System.Net.WebSockets;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Narration;

/// <summary>
/// A narration socket hears of new audio only through its thread's Redis channel. When the API's connection to Redis
/// breaks, what was announced meanwhile is lost to it, so the API closes it with <c>unavailable</c> (its client
/// reconnects and replays); while Redis refuses SUBSCRIBE, a new socket is refused the same way rather than left
/// waiting on a channel that is not there; once Redis allows it again, a new socket hears the next run.
/// </summary>
[Collection(NarrationCollection.Name)]
public sealed class NarrationRedisLossTests(NarrationFixture fixture)
{
    [Fact]
    public async Task When_the_apis_redis_connection_breaks_its_narration_sockets_close_with_unavailable_and_a_new_one_hears_the_next_run()
    {
        var ct = Timeout(120);
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var before = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await before.ReceiveJsonAsync(ct);
        await using var redis = await RedisAdmin.ConnectAsync(fixture.App, ct);

        System.Text.Json.JsonElement lost;
        AudioClient.Frame? beforeEnd, duringFirst;
        WebSocketCloseStatus? beforeClose, duringClose;
        string? duringReason;
        try
        {
            await redis.RefuseSubscribeAsync(true);
            Assert.True(await redis.DropSubscriptionsAsync("Jockey.ApiService") > 0, "No subscription connection of the API was found to drop.");
            lost = await before.ReceiveJsonAsync(ct);
            beforeEnd = await before.ReceiveAsync(ct);
            beforeClose = before.Socket.CloseStatus;
            await using var during = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
            duringFirst = await during.ReceiveAsync(ct);
            (duringClose, duringReason) = (during.Socket.CloseStatus, during.Socket.CloseStatusDescription);
        }
        finally
        {
            await redis.RefuseSubscribeAsync(false);
            // Every channel the API's connection held was refused too: a new connection makes the client subscribe
            // them all, and both replicas hear again before the next test.
            await redis.DropSubscriptionsAsync("Jockey.ApiService");
            foreach (var replica in new[] { 0, 1 })
            {
                using var health = fixture.Api(replica);
                await WaitForHealthAsync(health, "Healthy", ct);
            }
        }
        await using var after = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await after.ReceiveJsonAsync(ct);
        using var api = fixture.Api(1);
        var operationId = (await ProcessAsync(api, threadId, "Make a sunrise video", ct)).GetProperty("operation_id").GetString();
        var heard = await after.ReceiveNarrationAsync(ct);

        Assert.Equal("error", lost.GetProperty("type").GetString());
        Assert.Equal("unavailable", lost.GetProperty("code").GetString());
        Assert.Null(beforeEnd);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, beforeClose);
        Assert.Null(duringFirst);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, duringClose);
        Assert.Contains("narration audio is unavailable", duringReason);
        Assert.Equal(operationId, heard.Started.GetProperty("operation_id").GetString());
        Assert.Equal("completed", heard.State());
    }
}
