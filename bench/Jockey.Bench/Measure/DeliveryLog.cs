using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Jockey.Bench.Measure;

/// <summary>
/// What one subscriber received: per measured run, when each numbered bench event arrived (and when it was sent,
/// read from the event text), plus order, loss and duplication checked by index and by seq.
/// </summary>
public sealed class DeliveryLog(bool endsWithOperation = false)
{
    public const string TextPrefix = "bench ";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, long> _terminals = new();
    private readonly ConcurrentDictionary<string, byte> _operationEnds = new();
    private RunRecord? _run;
    private HashSet<long>? _seen;
    private long _lastSeq;

    /// <summary>Bench event text: <c>bench {tag} {index} {send timestamp}</c> (Stopwatch ticks of this process).</summary>
    public static string EventText(string tag, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{TextPrefix}{tag} {index} {Stopwatch.GetTimestamp()}");

    public void BeginRun(string tag, int count)
    {
        lock (_gate) _run = new RunRecord(tag, count);
    }

    public RunRecord? Run
    {
        get { lock (_gate) return _run; }
    }

    /// <summary>
    /// Whether the operation's last message has arrived: its terminal event (completed/failed/cancelled), and on a
    /// transport that sends the operation's own end after it (the hub's <c>operation</c>), that too. The next run
    /// starts only then, so its first events do not queue behind this one's last message.
    /// </summary>
    public bool HasEnded(string operationId) =>
        _terminals.ContainsKey(operationId) && (!endsWithOperation || _operationEnds.ContainsKey(operationId));

    /// <summary>The operation's own end (the hub's <c>operation</c> message with a final status) arrived.</summary>
    public void OnOperationEnd(string operationId) => _operationEnds.TryAdd(operationId, 0);

    /// <summary>
    /// A client that reconnects keeps events by seq, as the web app's reducer does: a replay after a reconnect may repeat
    /// what a live delivery already brought (docs/api.md), and a repeat is then not a duplicate delivery.
    /// </summary>
    public bool KeepsBySeq { get; set; }

    /// <summary>The highest seq received: where a reconnect resumes.</summary>
    public long LastSeq
    {
        get { lock (_gate) return _lastSeq; }
    }

    public void OnEvent(in EventFields ev, long receivedAt)
    {
        lock (_gate)
        {
            if (KeepsBySeq && !(_seen ??= []).Add(ev.Seq)) return;
            if (_lastSeq != 0 && _run is { } run)
            {
                if (ev.Seq <= _lastSeq) run.SeqRegressions++;
                else if (ev.Seq > _lastSeq + 1) run.SeqGaps += ev.Seq - _lastSeq - 1;
            }
            _lastSeq = Math.Max(_lastSeq, ev.Seq);
            if (ev.Text is { } text && text.StartsWith(TextPrefix, StringComparison.Ordinal)) _run?.Record(text, receivedAt);
        }
        if (ev.IsTerminal && ev.OperationId is { } op) _terminals.TryAdd(op, receivedAt);
    }
}

/// <summary>One subscriber's view of one measured run.</summary>
public sealed class RunRecord(string tag, int count)
{
    public string Tag { get; } = tag;
    public int Count { get; } = count;
    public long[] Received { get; } = new long[count];
    public long[] Sent { get; } = new long[count];
    public int ReceivedCount { get; private set; }
    public int Duplicates { get; private set; }
    public int OutOfOrder { get; private set; }
    public long SeqRegressions { get; set; }
    public long SeqGaps { get; set; }
    private int _maxIndex = -1;

    public int Lost => Count - ReceivedCount;

    internal void Record(string text, long receivedAt)
    {
        // "bench {tag} {index} {sent}"
        var rest = text.AsSpan(DeliveryLog.TextPrefix.Length);
        var space = rest.IndexOf(' ');
        if (space < 0 || !rest[..space].SequenceEqual(Tag)) return;
        rest = rest[(space + 1)..];
        space = rest.IndexOf(' ');
        if (space < 0 || !int.TryParse(rest[..space], CultureInfo.InvariantCulture, out var index) || index < 0 || index >= Count) return;
        if (!long.TryParse(rest[(space + 1)..], CultureInfo.InvariantCulture, out var sent)) return;
        if (Received[index] != 0)
        {
            Duplicates++;
            return;
        }
        Received[index] = receivedAt;
        Sent[index] = sent;
        ReceivedCount++;
        if (index < _maxIndex) OutOfOrder++;
        _maxIndex = Math.Max(_maxIndex, index);
    }
}
