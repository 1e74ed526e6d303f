using System.Text.Json.Serialization;

namespace Jockey.ApiService.Speech;

/// <summary>What the audio frames carry; <c>pcm_s16le</c> is the only codec synthesizers produce.</summary>
public sealed record AudioFormat(string Codec, int SampleRate, int Channels)
{
    public static AudioFormat PcmS16Le(int sampleRate) => new("pcm_s16le", sampleRate, 1);

    [JsonIgnore]
    public int BytesPerSecond => SampleRate * Channels * 2;

    public TimeSpan Duration(long bytes) => TimeSpan.FromSeconds((double)bytes / BytesPerSecond);
}

/// <summary>
/// Speech being synthesized: raw PCM read while the engine is still producing it. <see cref="ReadAsync"/> returns 0 at
/// the end and throws <see cref="SpeechException"/> when the engine failed.
/// </summary>
public abstract class SpeechAudio(AudioFormat format) : IAsyncDisposable
{
    public AudioFormat Format { get; } = format;

    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A synthesis failure whose <see cref="Exception.Message"/> tells a person how to fix it.</summary>
public sealed class SpeechException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Stable, machine-readable: <c>engine_not_found</c>, <c>synthesis_failed</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>Turns text into speech, streamed as it is produced.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>Starts synthesis; returns once the audio format is known, before the speech is complete.</summary>
    Task<SpeechAudio> SynthesizeAsync(string text, CancellationToken ct);
}
