using System.Diagnostics;
using Jockey.Bench.Clients;
using Jockey.Bench.Measure;
using Jockey.Bench.Report;
using Jockey.Bench.Targets;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 4: narration as a browser hears it. The audio WebSocket is open on replica A before the prompt is sent;
/// <c>POST /api/process</c> goes to replica B, so chunks cross Redis as in production. Per prompt length: time from
/// sending the POST to the first binary frame, synthesis speed as seconds of audio per second from sending the POST to
/// the last chunk (so it includes writing the script, starting espeak-ng and the trip through Redis), and how long the
/// POST took to answer (it waits for the stored narration).
/// </summary>
public static class NarrationScenario
{
    public const string Name = "4-narration";

    private const int SamplesPerPrompt = 5;

    private static readonly (string Case, string Text)[] Prompts =
    [
        ("short prompt", "A 20-second reel of the sunrise shots."),
        ("medium prompt", "Make a montage of the ocean waves and the city at night, about 30 seconds long, with the brightest clips first and a slow fade between them."),
        ("long prompt", "I am putting together a short travel film for my family. Find every clip of the sunrise and the sunset, then the forest hike and the ocean waves, " +
            "and cut them into one reel of roughly 45 seconds. Keep each clip under 8 seconds, open with the sunrise, close on the sunset, and leave out anything " +
            "dark or blurry. If there are more than 6 good clips, pick the ones with the most movement, and describe what you chose when you are done."),
    ];

    public static async Task RunAsync(JockeyTarget jockey, BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        // Untimed: the first narration pays for JIT, espeak-ng's voice data from disk and the media container.
        await MeasureAsync(jockey, Prompts[0].Text, ct);
        for (var rep = 0; rep < settings.Repetitions; rep++)
        {
            foreach (var (label, text) in Prompts)
            {
                var samples = new List<Sample>();
                for (var i = 0; i < SamplesPerPrompt; i++) samples.Add(await MeasureAsync(jockey, text, ct));
                var firstByte = samples.Select(s => s.FirstByteMs).Order().ToList();
                var speed = samples.Select(s => s.SpeedXRealTime).Order().ToList();
                var post = samples.Select(s => s.PostMs).Order().ToList();
                results.Row(Name, "jockey", "", $"{label} ({text.Length} chars, {samples[0].AudioSeconds:0.0} s of audio)").Runs.Add(new()
                {
                    ["first_byte_p50_ms"] = RunAnalysis.Percentile(firstByte, 0.5),
                    ["first_byte_max_ms"] = firstByte[^1],
                    ["speed_x_realtime"] = RunAnalysis.Percentile(speed, 0.5),
                    ["audio_s"] = samples[0].AudioSeconds,
                    ["post_p50_ms"] = RunAnalysis.Percentile(post, 0.5),
                });
                Console.WriteLine($"    {label}: first binary frame {RunAnalysis.Percentile(firstByte, 0.5):0.0} ms after the POST (max {firstByte[^1]:0.0}), " +
                    $"{samples[0].AudioSeconds:0.0} s of audio at {RunAnalysis.Percentile(speed, 0.5):0.0}× real time, POST answered after {RunAnalysis.Percentile(post, 0.5):0} ms");
            }
        }
    }

    private sealed record Sample(double FirstByteMs, double SpeedXRealTime, double AudioSeconds, double PostMs);

    private static async Task<Sample> MeasureAsync(JockeyTarget jockey, string text, CancellationToken ct)
    {
        var threadId = await jockey.CreateThreadAsync(ct);
        await using var listener = await NarrationListener.ConnectAsync(jockey.App.GetEndpoint("apiservice", 0), threadId, ct);
        var sent = Stopwatch.GetTimestamp();
        var post = Task.Run(async () =>
        {
            await jockey.StartRunAsync(threadId, text, replica: 1, ct);
            return Stopwatch.GetTimestamp();
        }, ct);
        var times = await listener.ReceiveNarrationAsync(ct);
        var answered = await post;
        return new Sample(
            Stopwatch.GetElapsedTime(sent, times.FirstChunk).TotalMilliseconds,
            times.AudioSeconds / Stopwatch.GetElapsedTime(sent, times.LastChunk).TotalSeconds,
            times.AudioSeconds,
            Stopwatch.GetElapsedTime(sent, answered).TotalMilliseconds);
    }
}
