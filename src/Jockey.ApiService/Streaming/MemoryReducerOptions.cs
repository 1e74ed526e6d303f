using System.ComponentModel.DataAnnotations;

namespace Jockey.ApiService.Streaming;

/// <summary>When a replica hands a surge of new connections' garbage back to the OS (<see cref="MemoryReducer"/>). Section <c>MemoryReducer</c>.</summary>
public sealed class MemoryReducerOptions
{
    /// <summary>Connections (SSE streams and hub connections) opened since the last reduction that make one worth its pause; 0 turns it off.</summary>
    [Range(0, 10_000_000)]
    public int AfterConnections { get; set; } = 1_000;

    /// <summary>How long no connection may open and no event be delivered before the replica counts as quiet.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Quiet { get; set; } = TimeSpan.FromSeconds(10);
}
