using System.Text.Json;

namespace Jockey.ApiService.Events;

/// <summary>Lenient reads of agent JSON: a missing or oddly typed field is null, never an exception.</summary>
internal static class JsonHelpers
{
    public static JsonElement? Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? Str(this JsonElement element, string name) => element.Prop(name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } value => value.ToString(),
        _ => null,
    };

    public static double? Num(this JsonElement element, string name) => element.Prop(name) switch
    {
        { ValueKind: JsonValueKind.Number } value => value.GetDouble(),
        { ValueKind: JsonValueKind.String } value when double.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>
    /// Text of a LangChain message content: a string, or a list of parts whose <c>text</c> is joined.
    /// </summary>
    public static string ContentText(this JsonElement? content) => content switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString() ?? "",
        { ValueKind: JsonValueKind.Array } parts => string.Concat(parts.EnumerateArray().Select(part =>
            part.ValueKind == JsonValueKind.String ? part.GetString() : part.Str("text"))),
        _ => "",
    };

    /// <summary>Agents double-encode JSON in strings (the seed unwrapped up to 5 levels); unwrap until it is not a JSON string.</summary>
    public static JsonElement Unwrap(this JsonElement element)
    {
        for (var depth = 0; depth < 5 && element.ValueKind == JsonValueKind.String; depth++)
        {
            var text = element.GetString()!.Trim();
            if (text.Length == 0 || (text[0] != '[' && text[0] != '{' && text[0] != '"')) break;
            try
            {
                element = JsonElement.Parse(text);
            }
            catch (JsonException)
            {
                break;
            }
        }
        return element;
    }
}
