namespace Jockey.ApiService.Jockey;

/// <summary>
/// A run's response stream that tells a quiet run from a dead server. LangGraph's JS server sends no heartbeat, so a
/// step that renders for minutes writes nothing; after <paramref name="idle"/> without a byte this asks
/// <paramref name="stillRunning"/> (the run's status) instead of giving up. Running: keep waiting, the pending read
/// untouched (cancelling it would drop the connection). Over: the stream ends here. No answer: the exception surfaces.
/// </summary>
internal sealed class LivenessStream(Stream inner, TimeSpan idle, Func<CancellationToken, Task<bool>> stillRunning) : Stream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var read = inner.ReadAsync(buffer, abort.Token).AsTask();
        while (true)
        {
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var winner = await Task.WhenAny(read, Task.Delay(idle, quiet.Token));
                // Stops the delay's timer; one per read would otherwise live on for the whole idle timeout.
                await quiet.CancelAsync();
                if (winner == read) return await read;
            }
            cancellationToken.ThrowIfCancellationRequested();
            bool running;
            try
            {
                running = await stillRunning(cancellationToken);
            }
            catch
            {
                await AbandonAsync(read, abort);
                throw;
            }
            if (!running)
            {
                await AbandonAsync(read, abort);
                return 0;
            }
        }
    }

    private static async Task AbandonAsync(Task<int> read, CancellationTokenSource abort)
    {
        await abort.CancelAsync();
        try
        {
            await read;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The read was given up on purpose.
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
