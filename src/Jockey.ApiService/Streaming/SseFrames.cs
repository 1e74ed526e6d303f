using System.Buffers;
using System.Globalization;
using System.Text;
using Jockey.ApiService.Events;

namespace Jockey.ApiService.Streaming;

/// <summary>
/// The <c>text/event-stream</c> frames Jockey sends, as UTF-8: <c>retry</c> first, then <c>message</c> (id = seq, data
/// = the event JSON), <c>ping</c> and <c>error</c>. A live event is encoded once per replica and its bytes shared by every stream.
/// </summary>
public static class SseFrames
{
    public static ReadOnlySpan<byte> Ping => "event: ping\ndata: \n\n"u8;

    /// <summary>A <c>message</c> frame as a byte array of its own, to share between streams.</summary>
    public static byte[] Message(StoredEvent stored)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + Encoding.UTF8.GetMaxByteCount(stored.Json.Length));
        WriteMessage(buffer, stored);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a <c>message</c> frame straight into a stream's output (replayed or rewritten events: one reader each).</summary>
    public static void WriteMessage(IBufferWriter<byte> output, StoredEvent stored)
    {
        Write(output, "id: ");
        Write(output, stored.Seq.ToString(CultureInfo.InvariantCulture));
        Write(output, "\nevent: message\n");
        WriteData(output, stored.Json);
    }

    /// <summary>
    /// The <c>retry:</c> field that opens every stream: how long a browser's EventSource waits before it reopens a stream
    /// the server ended (a replica stopping, a broken Redis subscription). Chromium's own wait is 3 s, the same for every
    /// page; this one is 0.5–1.5 s, drawn for each stream, so pages come back sooner and not all in the same instant
    /// (10,000 streams ended together, docs/benchmarks.md, scenario 7).
    /// </summary>
    public static void WriteRetry(IBufferWriter<byte> output)
    {
        Write(output, "retry: ");
        Write(output, Random.Shared.Next(500, 1500).ToString(CultureInfo.InvariantCulture));
        Write(output, "\n\n");
    }

    public static void WriteError(IBufferWriter<byte> output, string reason)
    {
        Write(output, "event: error\n");
        WriteData(output, reason);
    }

    /// <summary>One <c>data:</c> line per line of the text (compact JSON has none but the first), then the blank line.</summary>
    private static void WriteData(IBufferWriter<byte> output, string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            Write(output, "data: ");
            Write(output, line);
            Write(output, "\n");
        }
        Write(output, "\n");
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
