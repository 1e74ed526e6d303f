using System.Text.Json;

namespace Jockey.Bench.Measure;

/// <summary>The parts of an event (<c>{seq, operation_id, text, type, name, data}</c>) the bench checks; the rest is skipped.</summary>
public readonly record struct EventFields(long Seq, string? OperationId, string? Name, string? Text)
{
    public static EventFields Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return Read(ref reader);
    }

    /// <summary>Reads the object the reader stands on (its StartObject token) and leaves the reader on its EndObject.</summary>
    public static EventFields Read(ref Utf8JsonReader reader)
    {
        long seq = 0;
        string? operationId = null, name = null, text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan;
            reader.Read();
            if (property.SequenceEqual("seq"u8)) seq = reader.GetInt64();
            else if (property.SequenceEqual("operation_id"u8)) operationId = reader.GetString();
            else if (property.SequenceEqual("name"u8)) name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            else if (property.SequenceEqual("text"u8)) text = reader.GetString();
            else reader.Skip();
        }
        return new EventFields(seq, operationId, name, text);
    }

    public static EventFields From(JsonElement element) => new(
        element.GetProperty("seq").GetInt64(),
        element.TryGetProperty("operation_id", out var op) ? op.GetString() : null,
        element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
        element.TryGetProperty("text", out var text) ? text.GetString() : null);

    public bool IsTerminal => IsFinal(Name);

    /// <summary>A run's final state, as its terminal event's name and its operation's status both spell it.</summary>
    public static bool IsFinal(string? state) => state is "completed" or "failed" or "cancelled";
}
