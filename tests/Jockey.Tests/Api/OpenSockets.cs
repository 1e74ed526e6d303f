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

    /// <summary>The SSE stream ended as a response does, with nothing after what was read (not cut off mid-response).</summary>
    public async Task AssertSseEndedAsync() => Assert.False(await sse.MoveNextAsync());

    public async ValueTask DisposeAsync()
    {
        await sse.DisposeAsync();
        await hub.DisposeAsync();
        await audio.DisposeAsync();
    }
}
