using System.Buffers.Binary;
using System.Text;

namespace Jockey.ApiService.Speech;

/// <summary>
/// Reads a RIFF/WAVE header from a pipe up to the start of the <c>data</c> chunk. Streaming writers such as espeak-ng
/// put a placeholder in the length fields, so lengths are not trusted: the data runs until the pipe closes.
/// </summary>
public static class WavHeader
{
    /// <returns>The PCM format, or null when the stream is not 16-bit PCM WAV.</returns>
    public static async Task<AudioFormat?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var riff = new byte[12];
        if (!await ReadFullyAsync(stream, riff, ct) || Ascii(riff, 0) != "RIFF" || Ascii(riff, 8) != "WAVE") return null;

        byte[]? fmt = null;
        var header = new byte[8];
        while (await ReadFullyAsync(stream, header, ct))
        {
            var id = Ascii(header, 0);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (id == "data") return Parse(fmt);
            if (size is < 0 or > 1 << 16) return null;
            var body = new byte[size + (size & 1)];
            if (!await ReadFullyAsync(stream, body, ct)) return null;
            if (id == "fmt ") fmt = body;
        }
        return null;
    }

    private static AudioFormat? Parse(byte[]? fmt)
    {
        const short pcm = 1;
        if (fmt is null || fmt.Length < 16) return null;
        var encoding = BinaryPrimitives.ReadInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadInt16LittleEndian(fmt.AsSpan(2));
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt.AsSpan(4));
        var bits = BinaryPrimitives.ReadInt16LittleEndian(fmt.AsSpan(14));
        return encoding == pcm && bits == 16 && channels > 0 && rate > 0 ? new AudioFormat("pcm_s16le", rate, channels) : null;
    }

    private static string Ascii(byte[] bytes, int offset) => Encoding.ASCII.GetString(bytes, offset, 4);

    private static async Task<bool> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken ct) =>
        await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct) == buffer.Length;
}
