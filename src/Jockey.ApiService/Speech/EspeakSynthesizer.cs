using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Jockey.ApiService.Narration;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Speech;

/// <summary>
/// espeak-ng writing a WAV to stdout: the header is parsed for the format and the PCM after it is handed on as it
/// arrives, so the first chunk leaves long before the whole text is spoken.
/// </summary>
public sealed class EspeakSynthesizer(IOptions<NarrationOptions> options) : ISpeechSynthesizer
{
    public async Task<SpeechAudio> SynthesizeAsync(string text, CancellationToken ct)
    {
        var o = options.Value;
        var start = new ProcessStartInfo(o.EspeakPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            ArgumentList = { "--stdout", "-b", "1", "-v", o.Voice, "-s", o.Rate.ToString(CultureInfo.InvariantCulture) },
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception ex)
        {
            throw new SpeechException("engine_not_found",
                $"espeak-ng not found at '{o.EspeakPath}' — run ./scripts/dev.sh, which installs it (or set Narration:EspeakPath).", ex);
        }
        if (process is null) throw new SpeechException("engine_not_found", $"espeak-ng at '{o.EspeakPath}' did not start — run ./scripts/dev.sh, which installs it.");

        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            // Text goes in on stdin so nothing in it can be read as an option.
            await process.StandardInput.WriteAsync(text.AsMemory(), ct);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.BaseStream;
            var format = await WavHeader.ReadAsync(stdout, ct) ?? throw await FailureAsync(process, stderr, "did not write a 16-bit PCM WAV");
            return new EspeakAudio(process, stdout, stderr, format);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    private static async Task<SpeechException> FailureAsync(Process process, Task<string> stderr, string what)
    {
        await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var message = stderr.IsCompletedSuccessfully ? stderr.Result.Trim() : "";
        return new SpeechException("synthesis_failed",
            $"espeak-ng {what}{(message.Length > 0 ? $" ({message})" : "")} — check Narration:Voice (`espeak-ng --voices` lists them) and Narration:Rate.");
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        process.Dispose();
    }

    private sealed class EspeakAudio(Process process, Stream stdout, Task<string> stderr, AudioFormat format) : SpeechAudio(format)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
        {
            var read = await stdout.ReadAsync(buffer, ct);
            if (read > 0) return read;
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0) throw await FailureAsync(process, stderr, $"exited with code {process.ExitCode}");
            return 0;
        }

        public override ValueTask DisposeAsync()
        {
            Stop(process);
            return ValueTask.CompletedTask;
        }
    }
}
