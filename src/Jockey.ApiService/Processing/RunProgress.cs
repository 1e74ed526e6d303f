using System.Text.Json;
using System.Text.Json.Serialization;
using Jockey.ApiService.Events;
using Jockey.ApiService.Jockey;

namespace Jockey.ApiService.Processing;

/// <summary>
/// The runner's place in one Jockey run. Every event the run writes carries a checkpoint: the id of the last frame
/// whose events were all written, the mapper as it stood before the frame being handled, and how many of that frame's
/// events are written with this one. A replica that takes the run over rejoins the stream after that frame, restores
/// the mapper, maps the half-written frame again and skips the events already written — so every event is written
/// once, none is lost, and nothing has to be remembered outside the log itself.
/// </summary>
public sealed class RunProgress
{
    /// <summary>The mapping that follows the stream's end (<see cref="RunEventMapper.Complete"/>), as a frame of its own.</summary>
    private const string Completion = "$complete";

    private string? _after;
    private string? _unit;
    private string _mapperBefore = "";
    private int _written;
    private string? _resumeUnit;
    private int _resumeSkip;
    private int _skip;

    public RunProgress(RunEventMapper mapper) => Mapper = mapper;

    public RunEventMapper Mapper { get; }

    /// <summary>The id of the last frame whose events were all written: where a rejoin starts (<c>Last-Event-ID</c>).</summary>
    public string? After => _after;

    /// <summary>The read-only URL of the last video the run stored: the run's completion names it.</summary>
    public string? VideoUrl { get; set; }

    /// <summary>The last video's length and clip count, which the result narration speaks.</summary>
    public Narration.ProducedVideo? Video { get; set; }

    /// <summary>Carries on from the checkpoint its previous owner wrote last; none means it wrote nothing yet.</summary>
    public static RunProgress Resume(RunEventMapper mapper, string? checkpoint)
    {
        var progress = new RunProgress(mapper);
        if (checkpoint is null) return progress;
        var saved = JsonSerializer.Deserialize<Checkpoint>(checkpoint) ?? throw new JsonException("An operation's checkpoint is empty.");
        mapper.RestoreState(saved.Mapper);
        progress._after = saved.After;
        progress.VideoUrl = saved.VideoUrl;
        progress.Video = saved.Video;
        progress._resumeUnit = saved.Unit;
        progress._resumeSkip = saved.Written;
        return progress;
    }

    public IReadOnlyList<RunOutput> Map(JockeyStreamPart part) => Begin(part.Id, () => Mapper.Map(part));

    public IReadOnlyList<RunOutput> Complete() => Begin(Completion, Mapper.Complete);

    /// <summary>The current frame's events are all written.</summary>
    public void End()
    {
        if (_unit is not null and not Completion) _after = _unit;
    }

    /// <summary>
    /// The next event of the current frame: false when the previous owner already wrote it (skip it), else true with
    /// the checkpoint to store alongside it.
    /// </summary>
    public bool TryNextWrite(out string checkpoint)
    {
        _written++;
        if (_skip > 0)
        {
            _skip--;
            checkpoint = "";
            return false;
        }
        checkpoint = JsonSerializer.Serialize(new Checkpoint(_after, _unit, _written, _mapperBefore, VideoUrl, Video));
        return true;
    }

    private IReadOnlyList<RunOutput> Begin(string? unit, Func<IReadOnlyList<RunOutput>> map)
    {
        _mapperBefore = Mapper.SaveState();
        _unit = unit;
        _written = 0;
        // Only the very frame the previous owner was writing has events to skip; any other frame is new.
        _skip = unit is not null && unit == _resumeUnit ? _resumeSkip : 0;
        _resumeUnit = null;
        return map();
    }

    private sealed record Checkpoint(
        [property: JsonPropertyName("after")] string? After,
        [property: JsonPropertyName("unit")] string? Unit,
        [property: JsonPropertyName("written")] int Written,
        [property: JsonPropertyName("mapper")] string Mapper,
        [property: JsonPropertyName("video_url")] string? VideoUrl,
        [property: JsonPropertyName("video")] Narration.ProducedVideo? Video = null);
}
