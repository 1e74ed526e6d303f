using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Narration;

/// <summary>Spoken narration of each request. Section <c>Narration</c>.</summary>
public sealed class NarrationOptions
{
    public const string Section = "Narration";

    /// <summary>Off: requests are not narrated and <c>/api/ws/audio</c> only reports that.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>espeak</c> (offline, default) or <c>openai</c> (an OpenAI-compatible <c>/v1/audio/speech</c>).</summary>
    [Required, AllowedValues("espeak", "openai")]
    public string Engine { get; set; } = "espeak";

    /// <summary>The espeak-ng binary: a name on PATH or a full path.</summary>
    [Required]
    public string EspeakPath { get; set; } = "espeak-ng";

    /// <summary>espeak-ng voice (<c>espeak-ng --voices</c>).</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9_+\-/]{1,64}$")]
    public string Voice { get; set; } = "en-us";

    /// <summary>espeak-ng speaking rate in words per minute.</summary>
    [Range(80, 450)]
    public int Rate { get; set; } = 170;

    /// <summary>A chunk never holds more than this many bytes of PCM…</summary>
    [Range(256, 16384)]
    public int MaxChunkBytes { get; set; } = 16384;

    /// <summary>…nor more than this much audio (100 ms at 22,050 Hz is 4,410 bytes).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:00.100")]
    public TimeSpan MaxChunkDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Audio bytes a WebSocket may have waiting to be sent before it stops reading more from Redis.</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int SocketBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>A client whose send buffer stays full this long is closed (1008) so it holds nothing for longer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SlowClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A socket that connects up to this long after a narration started gets it from its start.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an operation's chunks stay in Redis.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest text spoken; longer text is cut at a sentence or word boundary.</summary>
    [Range(1, 20000)]
    public int MaxTextLength { get; set; } = 4000;

    /// <summary>
    /// About how long one narration may speak (the acknowledgement and the result alike), whatever the request's
    /// length: its script is cut to the words the engine says in this time (<see cref="MaxSpokenWords"/>).
    /// </summary>
    [Range(3, 120)]
    public int MaxSpokenSeconds { get; set; } = 20;

    /// <summary>
    /// Words that fit in <see cref="MaxSpokenSeconds"/>: espeak-ng speaks <see cref="Rate"/> words a minute (56 words at
    /// the default rate measured 16.2 s, pauses included); an OpenAI voice about 150 at speed 1.
    /// </summary>
    public int MaxSpokenWords => MaxSpokenSeconds * (Engine == "openai" ? (int)(150 * OpenAi.Speed) : Rate) / 60;

    /// <summary>ffmpeg, which compresses the stored narration.</summary>
    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary><c>ogg</c> (Opus) or <c>mp3</c>.</summary>
    [Required, AllowedValues("ogg", "mp3")]
    public string StoredFormat { get; set; } = "ogg";

    /// <summary>Optional: rewrite the script through an OpenAI-compatible chat model; the rules are the fallback.</summary>
    public LlmOptions Llm { get; set; } = new();

    /// <summary>Used when <see cref="Engine"/> is <c>openai</c>.</summary>
    public OpenAiSpeechOptions OpenAi { get; set; } = new();
}

public sealed class LlmOptions
{
    /// <summary>Base URL of an OpenAI-compatible API (…/v1); empty turns the rewrite off.</summary>
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Past this the rule-based script is used; narration should start within a second or two.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(4);

    public bool Enabled => Endpoint is not null && !string.IsNullOrWhiteSpace(Model);
}

public sealed class OpenAiSpeechOptions
{
    /// <summary>Base URL of an OpenAI-compatible API (…/v1); <c>audio/speech</c> is appended.</summary>
    public Uri? Endpoint { get; set; }

    public string Model { get; set; } = "gpt-4o-mini-tts";

    public string Voice { get; set; } = "alloy";

    public double Speed { get; set; } = 1.0;

    public string? ApiKey { get; set; }

    /// <summary>How long the speech server may take to start answering; the audio itself then streams for as long as it lasts.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
