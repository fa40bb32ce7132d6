"""The PDF renderer's child process: `python -m tickets.pdf_child --memory-mb=N --cpu-seconds=S`.

Limits itself first (address space and CPU time, so neither a huge thread nor a hostile
document can exhaust the server), then reads the HTML on stdin and writes the PDF on stdout.
Run by tickets.pdf.html_to_pdf, which also kills it after HELPDESK_PDF_SECONDS of wall time.
"""

import argparse
import resource
import sys


def limit(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    args = parser.parse_args()
    limit(args.memory_mb, args.cpu_seconds)
    html = sys.stdin.buffer.read().decode()

    # Django and WeasyPrint load only now, inside the limits.
    import django

    django.setup()
    from weasyprint import HTML

    from tickets.pdf import BASE_URL, url_fetcher

    sys.stdout.buffer.write(HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher).write_pdf())


if __name__ == "__main__":
    main()
