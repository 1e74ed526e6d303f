using System.Net.ServerSentEvents;
using Jockey.Tests.Narration;
using Microsoft.AspNetCore.SignalR.Client;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>What a browser holds open on one replica for a thread: an SSE stream, a hub subscription and an audio socket, each past its first frame.</summary>
public sealed class OpenSockets(IAsyncEnumerator<SseItem<string>> sse, HubConnection hub, AudioClient audio) : IAsyncDisposable
{
    public static async Task<OpenSockets> OpenAsync(HttpClient api, string threadId, CancellationToken ct)
    {
        var sse = StreamAsync(api, threadId, null, ct).GetAsyncEnumerator(ct);
        Assert.True(await sse.MoveNextAsync());
        var (hub, _) = await SubscribeHubAsync(api, threadId, ct);
        var audio = await AudioClient.ConnectAsync(api.BaseAddress!, threadId, ct);
        await audio.ReceiveJsonAsync(ct);
        return new OpenSockets(sse, hub, audio);
    }

    /// <summary>
    /// The SSE stream ended as a response does (not cut off mid-response), with nothing after what was read but the
    /// pings the replica sent until it began to stop — as many as the machine's speed allows, so not counted.
    /// </summary>
    public async Task AssertSseEndedAsync()
    {
        var after = new List<string>();
        while (await sse.MoveNextAsync()) after.Add(sse.Current.EventType);
        Assert.All(after, type => Assert.Equal("ping", type));
    }

    public async ValueTask DisposeAsync()
    {
        await sse.DisposeAsync();
        await hub.DisposeAsync();
        await audio.DisposeAsync();
    }
}
