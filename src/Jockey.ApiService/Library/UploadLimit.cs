namespace Jockey.ApiService.Library;

/// <summary>The upload grew past <see cref="LibraryOptions.MaxUploadBytes"/> while it was being passed on.</summary>
public sealed class UploadTooLargeException(long limit) : IOException($"The upload is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// The request body as the agent reads it, counted: a body without a Content-Length (chunked) or one that lies about
/// it is stopped at the limit instead of being passed on whole.
/// </summary>
public sealed class UploadLimit(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new UploadTooLargeException(limit) : read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
