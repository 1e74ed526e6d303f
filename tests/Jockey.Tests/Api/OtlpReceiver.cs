using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.Tests.Api;

/// <summary>One exported span: ids as hex, its name and its string attributes.</summary>
public sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP endpoint on 127.0.0.1 (the API exports to it with
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>): keeps the spans of <c>/v1/traces</c>, accepts logs and metrics.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<ExportedSpan> Spans { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            foreach (var span in ReadSpans(ByteString.CopyFrom(body.ToArray()))) receiver.Spans.Enqueue(span);
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/{signal}", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    /// <summary>Waits until a span satisfies <paramref name="match"/>; the exporter sends in batches.</summary>
    public async Task<ExportedSpan> WaitForSpanAsync(Func<ExportedSpan, bool> match, CancellationToken ct)
    {
        while (true)
        {
            if (Spans.FirstOrDefault(match) is { } span) return span;
            await Task.Delay(100, ct);
        }
    }

    // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2) → Span
    // (opentelemetry/proto/trace/v1/trace.proto).
    private static IEnumerable<ExportedSpan> ReadSpans(ByteString request) =>
        from resourceSpans in Fields(request, 1)
        from scopeSpans in Fields(resourceSpans, 2)
        from span in Fields(scopeSpans, 2)
        select ReadSpan(span);

    private static ExportedSpan ReadSpan(ByteString span)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Fields(span, 9))
        {
            // KeyValue.key(1), KeyValue.value(2) → AnyValue.string_value(1)
            var key = Fields(keyValue, 1).Single().ToStringUtf8();
            if (Fields(keyValue, 2).SingleOrDefault() is { } value && Fields(value, 1).SingleOrDefault() is { } text) attributes[key] = text.ToStringUtf8();
        }
        return new ExportedSpan(Hex(span, 1), Hex(span, 2), Hex(span, 4), Fields(span, 5).Single().ToStringUtf8(), attributes);
    }

    private static string Hex(ByteString message, int field) => Convert.ToHexStringLower((Fields(message, field).SingleOrDefault() ?? ByteString.Empty).ToByteArray());

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of a message, in order; the rest is skipped.</summary>
    private static List<ByteString> Fields(ByteString message, int number)
    {
        var found = new List<ByteString>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited) found.Add(input.ReadBytes());
            else input.SkipLastField();
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
