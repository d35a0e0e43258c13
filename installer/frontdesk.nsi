; FrontDesk (物业前台) for Windows: the installer the desk's PC gets, built on Debian with Debian's
; makensis 3.x from the x86_64-pc-windows-gnu cross-build (scripts/installer builds it; Tauri's own
; bundler cannot run here, it downloads parts from GitHub and Microsoft). UTF-8 source:
; makensis -INPUTCHARSET UTF8.
;
; Defines (all given by scripts/installer): VERSION (x.y.z), STAGE (a folder holding
; frontdesk-app.exe, frontdesk.exe, WebView2Loader.dll and icon.ico), OUTFILE.
;
; What it does, and what it never does:
; - Installs for the signed-in Windows user only, with no administrator rights, into
;   %LOCALAPPDATA%\Programs\FrontDesk: the desktop app, the command line frontdesk.exe (IT's
;   backup / restore / verify from Task Scheduler: a console launcher that runs the app's own
;   command line, frontdesk-app.exe --cli), WebView2Loader.dll (the GNU build of the app loads it
;   when it starts, window or command line: Microsoft's loader, shipped in the webview2-com-sys
;   crate), the icon and the uninstaller. Start-menu and
;   desktop shortcuts; an uninstall entry under HKCU; the folder added to the user's PATH
;   (HKCU\Environment) when that can be done safely (see AddToPath).
; - Never touches the data: the register lives in %APPDATA%\FrontDesk\FrontDesk\data (or
;   FRONTDESK_DATA_DIR), which the installer neither creates nor changes, and the uninstaller
;   keeps (with its backups) and names. A newer version migrates the database on its first start,
;   after a verified "premigration" backup (src/app/upkeep.rs).
; - Detects Microsoft Edge WebView2 (which the desktop app needs) and, when it is missing, says
;   so and how to get it; it does not install it (no download here, none on an offline desk).
; - Every install and uninstall appends what it did to %APPDATA%\FrontDesk\FrontDesk\install.log
;   (UTF-16, Notepad reads it), so a silent (/S) run leaves a record. Exit codes: 0 installed
;   (also when WebView2 is missing: the command line works without it, and the log says
;   "WebView2：未安装（missing）"); 1 cancelled or failed.

; A 64-bit installer (amd64-unicode stub; FrontDesk is x64 only): it reads the native registry view.
Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
; A dictionary that spans both executables: the app and the CLI share the core and its embedded
; fonts, which a solid 64 MB window stores once.
SetCompressorDictSize 64

!ifndef VERSION
  !error "VERSION not defined (scripts/installer)"
!endif
!ifndef STAGE
  !error "STAGE not defined (scripts/installer)"
!endif
!ifndef OUTFILE
  !define OUTFILE "FrontDesk_${VERSION}_x64-setup.exe"
!endif

!define PRODUCT "物业前台 FrontDesk"
!define PUBLISHER "FrontDesk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\FrontDesk"
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; Where the CLI and the app keep the data (Rust `directories`: ProjectDirs cn/FrontDesk/FrontDesk).
!define DATA_PARENT "$APPDATA\FrontDesk\FrontDesk"
!define LOG "${DATA_PARENT}\install.log"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include StrFunc.nsh
!include WinMessages.nsh

${StrLoc}
${UnStrLoc}
${UnStrRep}

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\FrontDesk"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT"

!define MUI_ICON "${STAGE}\icon.ico"
!define MUI_UNICON "${STAGE}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "将为当前 Windows 用户安装 ${PRODUCT} ${VERSION}（无需管理员权限）。$\r$\n$\r$\n已有的数据（登记、投诉、备份）不会被改动；新版本首次启动时会先自动备份数据库，再升级数据库。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\frontdesk-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动 ${PRODUCT}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Var WebView2

; ---------------------------------------------------------------- the log

; Appends one line to the install log (UTF-16 LE with a BOM when new).
!macro LOG_LINE text
  Push `${text}`
  !ifdef __UNINSTALL__
    Call un.LogLine
  !else
    Call LogLine
  !endif
!macroend
!define WriteLog "!insertmacro LOG_LINE"

!macro LOG_FUNCTION un
  Function ${un}LogLine
    Exch $0
    Push $1
    Push $2
    CreateDirectory "${DATA_PARENT}"
    ClearErrors
    FileOpen $1 "${LOG}" a
    ${IfNot} ${Errors}
      FileSeek $1 0 END $2
      ${If} $2 == 0
        FileWriteWord $1 0xFEFF
      ${EndIf}
      ${GetTime} "" "L" $R0 $R1 $R2 $R3 $R4 $R5 $R6
      FileWriteUTF16LE $1 "$R2-$R1-$R0 $R4:$R5:$R6  $0$\r$\n"
      FileClose $1
    ${EndIf}
    DetailPrint "$0"
    Pop $2
    Pop $1
    Pop $0
  FunctionEnd
!macroend
!insertmacro LOG_FUNCTION ""
!insertmacro LOG_FUNCTION "un."

; ---------------------------------------------------------------- WebView2

; $WebView2 = the Evergreen runtime's version (pv), or "" when it is not installed (or "0.0.0.0",
; left by a removed runtime): the machine-wide key (64-bit Windows keeps it under WOW6432Node),
; then the per-user one (a runtime installed without administrator rights).
Function DetectWebView2
  ReadRegStr $WebView2 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $WebView2 == ""
  ${OrIf} $WebView2 == "0.0.0.0"
    ReadRegStr $WebView2 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $WebView2 == "0.0.0.0"
    StrCpy $WebView2 ""
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- PATH (HKCU\Environment)

; Adds $INSTDIR to the user's PATH unless it is there. A PATH that NSIS could not hold whole
; (its strings are ${NSIS_MAX_STRLEN} characters) is left alone rather than cut: then the log
; gives the command line's full path instead.
Function AddToPath
  ReadRegStr $0 HKCU "Environment" "Path"
  ${StrLoc} $1 ";$0;" ";$INSTDIR;" ">"
  ${If} $1 != ""
    ${WriteLog} "PATH：已包含 $INSTDIR"
    Return
  ${EndIf}
  StrLen $1 "$0;$INSTDIR"
  ${If} $1 >= ${NSIS_MAX_STRLEN}
    ${WriteLog} "PATH：用户 PATH 过长，未修改；命令行请用完整路径 $INSTDIR\frontdesk.exe"
    Return
  ${EndIf}
  ${If} $0 == ""
    StrCpy $0 "$INSTDIR"
  ${Else}
    StrCpy $0 "$0;$INSTDIR"
  ${EndIf}
  WriteRegExpandStr HKCU "Environment" "Path" "$0"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  ${WriteLog} "PATH：已把 $INSTDIR 加入当前用户的 PATH（新开的命令行窗口生效）"
FunctionEnd

Function un.RemoveFromPath
  ReadRegStr $0 HKCU "Environment" "Path"
  ${UnStrLoc} $1 ";$0;" ";$INSTDIR;" ">"
  ${If} $1 == ""
    Return
  ${EndIf}
  StrLen $1 "$0"
  ${If} $1 >= ${NSIS_MAX_STRLEN}
    ${WriteLog} "PATH：用户 PATH 过长，未修改；请手动删除其中的 $INSTDIR"
    Return
  ${EndIf}
  ${UnStrRep} $0 ";$0;" ";$INSTDIR;" ";"
  ; Strip the ";" added at both ends.
  StrCpy $0 "$0" "" 1
  StrCpy $0 "$0" -1
  ${If} $0 == ""
    DeleteRegValue HKCU "Environment" "Path"
  ${Else}
    WriteRegExpandStr HKCU "Environment" "Path" "$0"
  ${EndIf}
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  ${WriteLog} "PATH：已从当前用户的 PATH 删除 $INSTDIR"
FunctionEnd

; ---------------------------------------------------------------- install

Section "FrontDesk" SecMain
  SectionIn RO
  ${WriteLog} "安装 ${PRODUCT} ${VERSION} 到 $INSTDIR（用户 $APPDATA）"
  SetOutPath "$INSTDIR"
  File "${STAGE}\frontdesk-app.exe"
  File "${STAGE}\frontdesk.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\icon.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\frontdesk-app.exe" "" "$INSTDIR\icon.ico" 0
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\frontdesk-app.exe" "" "$INSTDIR\icon.ico" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"

  Call AddToPath

  Call DetectWebView2
  ${If} $WebView2 == ""
    ${WriteLog} "WebView2：未安装（missing）"
    MessageBox MB_ICONEXCLAMATION "本机未安装 Microsoft Edge WebView2 运行时，${PRODUCT} 的窗口需要它才能打开（命令行 frontdesk.exe 不需要）。$\r$\n$\r$\nWindows 11 自带该运行时；Windows 10 请安装 Windows 更新，或从微软官网下载“Evergreen 独立安装程序”（Evergreen Standalone Installer，离线电脑用）或“Evergreen Bootstrapper”：$\r$\nhttps://developer.microsoft.com/microsoft-edge/webview2/$\r$\n$\r$\n安装后无需重新安装 ${PRODUCT}。" /SD IDOK
  ${Else}
    ${WriteLog} "WebView2：已安装，版本 $WebView2"
  ${EndIf}
  ${WriteLog} "数据目录：${DATA_PARENT}\data（安装程序不改动数据）"
  ${WriteLog} "安装完成：${PRODUCT} ${VERSION}"
SectionEnd

; ---------------------------------------------------------------- uninstall

Section "Uninstall"
  ${WriteLog} "卸载 ${PRODUCT}（$INSTDIR）"
  Delete "$INSTDIR\frontdesk-app.exe"
  Delete "$INSTDIR\frontdesk.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"
  Call un.RemoveFromPath

  ReadEnvStr $0 FRONTDESK_DATA_DIR
  ${If} $0 == ""
    StrCpy $0 "${DATA_PARENT}\data"
  ${EndIf}
  ${WriteLog} "已保留数据：$0（数据库 frontdesk.sqlite3、附件；备份默认在其中的 backups 文件夹，另选的备份文件夹（U盘、共享）也未改动）"
  ${WriteLog} "卸载完成"
  MessageBox MB_ICONINFORMATION "已卸载 ${PRODUCT} 程序。$\r$\n$\r$\n数据和备份已保留，未删除：$\r$\n$0$\r$\n（数据库 frontdesk.sqlite3；备份默认在其中的 backups 文件夹；在“设置 › 备份”中另选的备份文件夹也未改动。）$\r$\n$\r$\n重新安装后即可继续使用这些数据。确需删除时，请先另行备份，再手动删除该文件夹。" /SD IDOK
SectionEnd
