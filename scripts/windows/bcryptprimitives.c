/*
 * TEST FIXTURE ONLY, never shipped: a stand-in `bcryptprimitives.dll` for running FrontDesk's
 * Windows builds under Wine 8 (Debian 12).
 *
 * Rust's standard library (1.78 and later) takes its random numbers (HashMap seeds, among others)
 * from `ProcessPrng` in bcryptprimitives.dll, which every supported Windows 10/11 has but Wine 8
 * does not export, so every Rust .exe fails to start there. Placed beside the .exe by
 * `scripts/windows-check`, this DLL exports `ProcessPrng` and forwards it to advapi32's
 * `SystemFunction036` (RtlGenRandom), which Wine does implement. Real Windows never sees it.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
