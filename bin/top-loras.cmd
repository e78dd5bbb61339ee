@echo off
rem top-loras launcher for Windows: java -jar with JVM flags chosen per command, as bin/top-loras does
rem (one-shot commands: C1 only, serial GC, heap from 32 MB; serve, worker: the JVM's server defaults). Unlike bin/top-loras it
rem uses no class-data-sharing archive. Environment: JAVA_HOME, TOP_LORAS_JAR, TOP_LORAS_JAVA_OPTS.
setlocal
set "TL_JAR=%TOP_LORAS_JAR%"
if "%TL_JAR%"=="" set "TL_JAR=%~dp0..\target\top-loras.jar"
if not exist "%TL_JAR%" (
  echo top-loras: %TL_JAR% is missing: build it with 'mvn -q -DskipTests package', or set TOP_LORAS_JAR to the jar. 1>&2
  exit /b 1
)
set "TL_JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "TL_JAVA=%JAVA_HOME%\bin\java.exe"
set "TL_CMD="
call :command %*
set "TL_FLAGS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx512m -XX:-UsePerfData"
if /i "%TL_CMD%"=="serve" set "TL_FLAGS="
if /i "%TL_CMD%"=="worker" set "TL_FLAGS="
if /i "%TL_CMD%"=="demo" set "TL_FLAGS="
"%TL_JAVA%" %TL_FLAGS% %TOP_LORAS_JAVA_OPTS% -jar "%TL_JAR%" %*
exit /b %ERRORLEVEL%

rem The command is the first word that is neither an option nor the value of --home/--set.
:command
set "TL_ARG=%~1"
if not defined TL_ARG exit /b 0
if "%TL_ARG%"=="--home" (shift & shift & goto command)
if "%TL_ARG%"=="--set" (shift & shift & goto command)
if "%TL_ARG:~0,1%"=="-" (shift & goto command)
set "TL_CMD=%TL_ARG%"
exit /b 0
