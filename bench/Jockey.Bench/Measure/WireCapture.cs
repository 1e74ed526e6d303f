using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>
/// tcpdump on loopback for the length of one untimed run (<c>./scripts/bench.sh fanout --wire</c>). Every TCP segment
/// whose payload carries a run's event text (<c>bench {tag} {index} {sent}</c>: the fake agent's frame, the append
/// script, the pub/sub message, each subscriber's frame) is the moment that event left one process for another,
/// timed by the kernel; <see cref="WireHops"/> sets those moments against the event's send time.
/// </summary>
/// <remarks>
/// A WebSocket client's frames are masked (the peer's producer), so their text does not show. The capture costs every
/// segment a copy, so the run it watches is slower than a timed one: its figures are for comparing hops, not runs.
/// </remarks>
public sealed class WireCapture : IAsyncDisposable
{
    private readonly Process _tcpdump;
    private readonly string _pcap;
    private readonly ConcurrentQueue<string> _messages;
    private readonly double _clockOffsetMicros;

    private WireCapture(Process tcpdump, string pcap, ConcurrentQueue<string> messages, double clockOffsetMicros)
    {
        _tcpdump = tcpdump;
        _pcap = pcap;
        _messages = messages;
        _clockOffsetMicros = clockOffsetMicros;
    }

    public static async Task<WireCapture> StartAsync(string pcapPath, CancellationToken ct)
    {
        // -U writes each packet as it comes, -B gives the kernel room for a burst of 1,000 deliveries.
        var start = new ProcessStartInfo("tcpdump", ["-i", "lo", "-n", "-s", "4096", "-B", "65536", "-U", "-w", pcapPath, "tcp"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process tcpdump;
        try
        {
            tcpdump = Process.Start(start) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException("tcpdump not found: run ./scripts/bench.sh with --wire, which installs it.");
        }
        var messages = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcpdump.OutputDataReceived += (_, _) => { };
        tcpdump.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            messages.Enqueue(line);
            // Only once it says so is the capture live: a run started earlier would lose its first segments.
            if (line.Contains("listening on", StringComparison.Ordinal)) listening.TrySetResult();
        };
        tcpdump.BeginOutputReadLine();
        tcpdump.BeginErrorReadLine();
        var ready = await Task.WhenAny(listening.Task, tcpdump.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(10), ct));
        if (ready != listening.Task)
        {
            if (!tcpdump.HasExited) tcpdump.Kill();
            throw new InvalidOperationException($"tcpdump could not capture on lo (it needs root): {string.Join(' ', messages)}");
        }
        return new WireCapture(tcpdump, pcapPath, messages, ClockOffsetMicros());
    }

    /// <summary>
    /// Stops the capture and returns, for each segment that carried one of run <paramref name="tag"/>'s events, when it
    /// left which process for which, in µs after that event's send. The pcap file is deleted.
    /// </summary>
    /// <param name="roles">Names for known processes ("replica A", "bench"); others are named by their command.</param>
    public async Task<WireHops> StopAsync(string tag, IReadOnlyDictionary<int, string> roles)
    {
        // Sockets are looked up while the run's connections are still open.
        var owners = LoopbackSockets.OwnerByEnds();
        // tcpdump writes its last packets on SIGINT; a kill could cut the file short.
        using (var interrupt = Process.Start("kill", ["-INT", _tcpdump.Id.ToString(CultureInfo.InvariantCulture)])) await interrupt.WaitForExitAsync();
        await _tcpdump.WaitForExitAsync();
        var segments = PcapEvents.Read(_pcap, tag);
        File.Delete(_pcap);
        string Name(int local, int remote) => owners.TryGetValue((local, remote), out var pid) ? roles.GetValueOrDefault(pid) ?? LoopbackSockets.Command(pid) : "closed";
        var seen = segments.Select(s => new WireSegment(Name(s.SourcePort, s.DestinationPort), Name(s.DestinationPort, s.SourcePort), s.SourcePort, s.DestinationPort, s.Index,
            s.CapturedMicros - (s.SentTicks * 1e6 / Stopwatch.Frequency + _clockOffsetMicros)));
        return new WireHops([.. seen], [.. _messages]);
    }

    /// <summary>A capture whose run failed: tcpdump stops and its file goes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_tcpdump.HasExited)
        {
            _tcpdump.Kill();
            await _tcpdump.WaitForExitAsync();
        }
        _tcpdump.Dispose();
        File.Delete(_pcap);
    }

    /// <summary>
    /// The capture's clock (the kernel's real-time clock, µs since the epoch) less the bench's <see cref="Stopwatch"/>
    /// (the monotonic clock) in µs: the pair read closest together of five.
    /// </summary>
    private static double ClockOffsetMicros()
    {
        var best = (Gap: long.MaxValue, Offset: 0.0);
        for (var i = 0; i < 5; i++)
        {
            var before = Stopwatch.GetTimestamp();
            var now = DateTime.UtcNow;
            var after = Stopwatch.GetTimestamp();
            var offset = (now - DateTime.UnixEpoch).Ticks / 10.0 - (before + after) / 2.0 * 1e6 / Stopwatch.Frequency;
            if (after - before < best.Gap) best = (after - before, offset);
        }
        return best.Offset;
    }
}
