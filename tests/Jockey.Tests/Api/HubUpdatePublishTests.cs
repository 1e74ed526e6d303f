using System.Text;
using Jockey.ApiService.Events;
using Jockey.ApiService.Streaming.Backplane;
using StackExchange.Redis;

namespace Jockey.Tests.Api;

/// <summary>
/// The append script's hub update on a real Redis: what a replica's backplane reads off the thread's channel is the
/// invocation the pieces make with the event in between, however long the event.
/// </summary>
public sealed class HubUpdatePublishTests : IAsyncLifetime
{
    private RedisAlone? _redis;

    public async ValueTask InitializeAsync() => _redis = await RedisAlone.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }

    // Events whose invocations' lengths take one, two and three bytes of the 7-bit encoding.
    [Theory]
    [InlineData(40)]
    [InlineData(1_000)]
    [InlineData(20_000)]
    public async Task A_subscribed_backplane_reads_the_invocation_with_the_event_whole(int textLength)
    {
        var deadline = TestDeadlines.Start(30);
        var channel = RedisChannel.Literal($"hub-update-test:{Guid.NewGuid():N}");
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _redis!.Redis.GetSubscriber().SubscribeAsync(channel, (_, message) => received.TrySetResult((byte[])message!));
        var pieces = new InvocationPieces(BackplaneCodec.InvocationHead([], [], "json"), Encoding.UTF8.GetBytes("{\"arguments\":["), Encoding.UTF8.GetBytes("]}\u001e"));
        var json = $"{{\"seq\":7,\"text\":\"{new string('é', textLength / 2)}\"}}";

        await _redis.Redis.GetDatabase().ScriptEvaluateAsync("local json = ARGV[1]\n" + ThreadEventLog.PublishUpdate, [],
            [json, "", "", "", "", "", "", "", channel.ToString(), pieces.Head, pieces.Before, pieces.After]);

        var invocation = Assert.IsType<BackplaneInvocation>(BackplaneCodec.Read(await received.Task.WaitAsync(deadline)));
        var message = Assert.Single(invocation.Messages);
        Assert.Equal("json", message.ProtocolName);
        Assert.Equal($"{{\"arguments\":[{json}]}}\u001e", Encoding.UTF8.GetString(message.Serialized.Span));
    }
}
